package dev.faucet.log.format;

/**
 * The layout of a record batch: the unit that is appended, checksummed and indexed. One append call makes one batch
 * per partition it touches. All integers are big-endian.
 *
 * <pre>
 *   0        8        12  13  14    16        24          28          32          40          48        52        56
 *   +--------+--------+---+---+-----+---------+-----------+-----------+-----------+-----------+---------+---------+
 *   | base   | batch  |ver|att| 0   | commit  | last      | record    | first     | max       | records | header  |
 *   | offset | length |   |   |     | id      | offset    | count     | timestamp | timestamp | crc32c  | crc32c  |
 *   | int64  | int32  |i8 |i8 |i16  | int64   | delta i32 | int32     | int64     | int64     | int32   | int32   |
 *   +--------+--------+---+---+-----+---------+-----------+-----------+-----------+-----------+---------+---------+
 *   | records ... (record count times the record layout below)                                                  |
 *   +-----------------------------------------------------------------------------------------------------------+
 *
 *   record:  length i32 | offset delta i32 | timestamp i64 | key length i32 (-1 = null) | key bytes
 *            | value length i32 (-1 = null) | value bytes | header count i32
 *            | per header: name length i32 | name UTF-8 | value length i32 (-1 = null) | value bytes
 * </pre>
 *
 * <ul>
 *   <li>{@code batch length} counts the bytes after that field, so a batch takes {@code 12 + batch length} bytes.</li>
 *   <li>{@code records crc32c} covers the records section (from byte 56 to the end). The appending thread computes
 *       it, off the writer thread.</li>
 *   <li>{@code header crc32c} covers bytes 0 to 52, including the base offset and commit id that the writer fills in
 *       when it assigns offsets.</li>
 *   <li>Offsets are {@code base offset + offset delta}. Compaction removes records but keeps deltas, so offsets in a
 *       batch may have gaps; {@code last offset delta} keeps the batch's end.</li>
 *   <li>{@code commit id} names the atomic commit that wrote the batch (see {@link JournalRecordDescriptor}).</li>
 * </ul>
 */
public final class RecordBatchDescriptor {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int VERSION_OFFSET = 12;
    public static final int ATTRIBUTES_OFFSET = 13;
    public static final int COMMIT_ID_OFFSET = 16;
    public static final int LAST_OFFSET_DELTA_OFFSET = 24;
    public static final int RECORD_COUNT_OFFSET = 28;
    public static final int FIRST_TIMESTAMP_OFFSET = 32;
    public static final int MAX_TIMESTAMP_OFFSET = 40;
    public static final int RECORDS_CRC_OFFSET = 48;
    public static final int HEADER_CRC_OFFSET = 52;
    public static final int RECORDS_OFFSET = 56;
    public static final int HEADER_LENGTH = RECORDS_OFFSET;
    /** Bytes that precede and include the batch length field. */
    public static final int LOG_OVERHEAD = 12;

    public static final byte VERSION = 1;

    /** Fixed bytes of one record with no key, no value and no headers. */
    public static final int RECORD_OVERHEAD = 4 + 4 + 8 + 4 + 4 + 4;
    /** Fixed bytes of one header besides its name and value. */
    public static final int HEADER_OVERHEAD = 4 + 4;

    private RecordBatchDescriptor() {
    }
}
