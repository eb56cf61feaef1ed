package dev.faucet.log.format;

import java.nio.ByteBuffer;

/**
 * One entry of a segment's sparse index. Both indexes of a segment use it, after a {@link FileHeaderDescriptor}:
 * the offset index maps a batch's base offset (key) to its byte position in the segment (value); the time index maps
 * the highest timestamp of the records before a batch (key) to that batch's base offset (value). Keys never decrease.
 *
 * <pre>
 *   0                          8                          16                 20
 *   +--------------------------+--------------------------+------------------+
 *   | key (int64)              | value (int64)            | crc32c of 0..16  |
 *   +--------------------------+--------------------------+------------------+
 * </pre>
 *
 * Indexes are written without fsync: each entry carries its own checksum, and an index that is missing, torn or
 * wrong is rebuilt from the segment, which is the source of truth.
 */
public final class IndexEntryDescriptor {
    public static final int KEY_OFFSET = 0;
    public static final int VALUE_OFFSET = 8;
    public static final int CRC_OFFSET = 16;
    public static final int LENGTH = 20;

    private IndexEntryDescriptor() {
    }

    public static void put(ByteBuffer buf, long key, long value) {
        int start = buf.position();
        buf.putLong(key).putLong(value);
        buf.putInt(RecordBatchCodec.crc(buf, start, start + CRC_OFFSET));
    }

    /** True when the entry at {@code start} has a valid checksum. */
    public static boolean valid(ByteBuffer buf, int start) {
        return buf.getInt(start + CRC_OFFSET) == RecordBatchCodec.crc(buf, start, start + CRC_OFFSET);
    }
}
