package dev.faucet.log.format;

import java.nio.ByteBuffer;

/**
 * A record of the commit journal. A commit is durable and visible once its commit record is: recovery cuts every
 * partition back to the end its last commit record names. The journal file opens with a
 * {@link FileHeaderDescriptor} whose base is the file's sequence number; its first record is a checkpoint that names
 * the committed end of every partition, so recovery reads one bounded file.
 *
 * <pre>
 *   0                  4                  8                 16     17                21
 *   +------------------+------------------+-----------------+------+-----------------+-------------------------+
 *   | body length i32  | crc32c of body   | commit id i64   | kind | entry count i32 | entries ...             |
 *   +------------------+------------------+-----------------+------+-----------------+-------------------------+
 *                                         |<------------------------- body ---------------------------------->|
 *   entry (32 bytes): topic id i32 | partition i32 | end offset i64 | segment base offset i64 | end position i64
 * </pre>
 *
 * Kind 1 is a commit (the partitions it touched), kind 2 a checkpoint (every partition). Commit ids increase by one
 * per commit and are never reused; the same id is stamped on every batch the commit wrote.
 */
public final class CommitRecordDescriptor {
    public static final int BODY_LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = 4;
    public static final int COMMIT_ID_OFFSET = 8;
    public static final int KIND_OFFSET = 16;
    public static final int ENTRY_COUNT_OFFSET = 17;
    public static final int ENTRIES_OFFSET = 21;
    public static final int ENTRY_LENGTH = 32;
    /** Bytes before the body. */
    public static final int FRAME_LENGTH = 8;

    public static final byte KIND_COMMIT = 1;
    public static final byte KIND_CHECKPOINT = 2;

    private CommitRecordDescriptor() {
    }

    public static int length(int entries) {
        return ENTRIES_OFFSET + entries * ENTRY_LENGTH;
    }

    /** Writes the frame (length and checksum) around a body already written at {@code start + FRAME_LENGTH}. */
    public static void frame(ByteBuffer buf, int start, int end) {
        buf.putInt(start + BODY_LENGTH_OFFSET, end - start - FRAME_LENGTH);
        buf.putInt(start + CRC_OFFSET, RecordBatchCodec.crc(buf, start + FRAME_LENGTH, end));
    }

    public static boolean valid(ByteBuffer buf, int start, int end) {
        return buf.getInt(start + CRC_OFFSET) == RecordBatchCodec.crc(buf, start + FRAME_LENGTH, end);
    }
}
