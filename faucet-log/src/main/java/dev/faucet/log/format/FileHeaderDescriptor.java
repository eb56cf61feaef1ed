package dev.faucet.log.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The header that opens every file of the log, so that a later version can read or refuse it.
 *
 * <pre>
 *   0              4         6         8                      16                     24              28      32
 *   +--------------+---------+---------+----------------------+----------------------+---------------+-------+
 *   | magic (i32)  | version | flags   | base (i64): segment  | created (i64): ms    | crc32c of     | zero  |
 *   |              | (i16)   | (i16)   | base offset, journal | since 1970 when the  | 0..24 (i32)   | (i32) |
 *   |              |         |         | sequence or topic id | file was created     |               |       |
 *   +--------------+---------+---------+----------------------+----------------------+---------------+-------+
 * </pre>
 *
 * All integers are big-endian. The magic names the kind of file; a file whose magic, version or CRC does not match
 * is refused with an error naming the file. A segment's creation time decides when it is old enough to roll, also
 * across restarts.
 */
public final class FileHeaderDescriptor {
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int FLAGS_OFFSET = 6;
    public static final int BASE_OFFSET = 8;
    public static final int CREATED_OFFSET = 16;
    public static final int CRC_OFFSET = 24;
    public static final int LENGTH = 32;

    public static final short VERSION = 1;

    /** "FSEG": a segment of a partition. */
    public static final int SEGMENT_MAGIC = 0x46534547;
    /** "FOIX": a segment's sparse offset index. */
    public static final int OFFSET_INDEX_MAGIC = 0x464F4958;
    /** "FTIX": a segment's time index. */
    public static final int TIME_INDEX_MAGIC = 0x46544958;
    /** "FJRN": the commit journal. */
    public static final int JOURNAL_MAGIC = 0x464A524E;
    /** "FTOP": a topic's settings. */
    public static final int TOPIC_MAGIC = 0x46544F50;

    private FileHeaderDescriptor() {
    }

    public static ByteBuffer encode(int magic, long base) {
        return encode(magic, base, 0);
    }

    public static ByteBuffer encode(int magic, long base, long createdMs) {
        ByteBuffer buf = ByteBuffer.allocate(LENGTH).order(ByteOrder.BIG_ENDIAN);
        buf.putInt(MAGIC_OFFSET, magic).putShort(VERSION_OFFSET, VERSION).putShort(FLAGS_OFFSET, (short) 0);
        buf.putLong(BASE_OFFSET, base).putLong(CREATED_OFFSET, createdMs);
        buf.putInt(CRC_OFFSET, crc(buf));
        return buf;
    }

    /** The creation time of a header that {@link #decode} accepted. */
    public static long createdMs(ByteBuffer header) {
        return header.getLong(CREATED_OFFSET);
    }

    /**
     * Checks a header read from {@code file} and returns its base value.
     *
     * @throws FormatException naming the file when the header is short, of another kind, of another version or torn
     */
    public static long decode(ByteBuffer buf, int expectedMagic, String file) throws FormatException {
        if (buf.limit() < LENGTH) {
            throw new FormatException(file, 0, "file header is " + buf.limit() + " bytes, expected " + LENGTH);
        }
        int magic = buf.getInt(MAGIC_OFFSET);
        if (magic != expectedMagic) {
            throw new FormatException(file, 0, String.format("magic is 0x%08x, expected 0x%08x", magic, expectedMagic));
        }
        short version = buf.getShort(VERSION_OFFSET);
        if (version != VERSION) {
            throw new FormatException(file, 0, "format version " + version + " is not supported (this build reads "
                    + VERSION + ")");
        }
        if (buf.getInt(CRC_OFFSET) != crc(buf)) {
            throw new FormatException(file, 0, "file header checksum mismatch");
        }
        return buf.getLong(BASE_OFFSET);
    }

    private static int crc(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(0).limit(CRC_OFFSET));
        return (int) crc.getValue();
    }
}
