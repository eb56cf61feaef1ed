package dev.faucet.log.format;

import static dev.faucet.log.format.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static dev.faucet.log.format.RecordBatchDescriptor.COMMIT_ID_OFFSET;
import static dev.faucet.log.format.RecordBatchDescriptor.HEADER_CRC_OFFSET;
import static dev.faucet.log.format.RecordBatchDescriptor.HEADER_LENGTH;
import static dev.faucet.log.format.RecordBatchDescriptor.LOG_OVERHEAD;
import static dev.faucet.log.format.RecordBatchDescriptor.RECORDS_CRC_OFFSET;
import static dev.faucet.log.format.RecordBatchDescriptor.RECORDS_OFFSET;

import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes records into a batch ({@link RecordBatchDescriptor}) and decodes them back. Stateless and thread-safe:
 * appending threads encode their own batches; the writer only {@link #seal seals} them with offsets.
 */
public final class RecordBatchCodec {
    private RecordBatchCodec() {
    }

    /** The bytes one record takes inside a batch. */
    public static int recordSize(NewRecord r) {
        int size = RecordBatchDescriptor.RECORD_OVERHEAD + length(r.key()) + length(r.value());
        for (Header h : r.headers()) {
            size += RecordBatchDescriptor.HEADER_OVERHEAD + utf8Length(h.name()) + length(h.value());
        }
        return size;
    }

    /**
     * Encodes records with offset deltas 0..n-1; records without a timestamp take {@code nowMs}. The base offset and
     * commit id stay zero until {@link #seal}.
     */
    public static ByteBuffer encode(List<NewRecord> records, long nowMs) {
        int size = HEADER_LENGTH;
        for (NewRecord r : records) {
            size += recordSize(r);
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.position(RECORDS_OFFSET);
        long first = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i);
            long ts = r.timestampMs() == NewRecord.NO_TIMESTAMP ? nowMs : r.timestampMs();
            first = i == 0 ? ts : first;
            max = Math.max(max, ts);
            putRecord(buf, i, ts, r.key(), r.value(), r.headers());
        }
        return finish(buf, records.size() - 1, records.size(), first, max);
    }

    /** Encodes already-placed records (compaction) keeping their offsets relative to {@code baseOffset}. */
    public static ByteBuffer encodeKept(List<LogRecord> records, long baseOffset, int lastOffsetDelta, long commitId) {
        int size = HEADER_LENGTH;
        for (LogRecord r : records) {
            size += recordSize(new NewRecord(r.key(), r.value(), r.headers(), r.timestampMs(), r.partition()));
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.position(RECORDS_OFFSET);
        long max = Long.MIN_VALUE;
        for (LogRecord r : records) {
            max = Math.max(max, r.timestampMs());
            putRecord(buf, (int) (r.offset() - baseOffset), r.timestampMs(), r.key(), r.value(), r.headers());
        }
        ByteBuffer batch = finish(buf, lastOffsetDelta, records.size(), records.get(0).timestampMs(), max);
        return seal(batch, baseOffset, commitId);
    }

    /** Fills in the base offset and commit id and computes the header checksum. Returns the same buffer. */
    public static ByteBuffer seal(ByteBuffer batch, long baseOffset, long commitId) {
        batch.putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, baseOffset);
        batch.putLong(COMMIT_ID_OFFSET, commitId);
        batch.putInt(HEADER_CRC_OFFSET, crc(batch, 0, HEADER_CRC_OFFSET));
        return batch;
    }

    private static ByteBuffer finish(ByteBuffer buf, int lastDelta, int count, long firstTs, long maxTs) {
        buf.flip();
        buf.putInt(BATCH_LENGTH_OFFSET, buf.limit() - LOG_OVERHEAD);
        buf.put(RecordBatchDescriptor.VERSION_OFFSET, RecordBatchDescriptor.VERSION);
        buf.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, lastDelta);
        buf.putInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET, count);
        buf.putLong(RecordBatchDescriptor.FIRST_TIMESTAMP_OFFSET, firstTs);
        buf.putLong(RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET, maxTs);
        buf.putInt(RECORDS_CRC_OFFSET, crc(buf, RECORDS_OFFSET, buf.limit()));
        return buf;
    }

    private static void putRecord(ByteBuffer buf, int delta, long ts, byte[] key, byte[] value, List<Header> hs) {
        int start = buf.position();
        buf.putInt(0).putInt(delta).putLong(ts);
        putBytes(buf, key);
        putBytes(buf, value);
        buf.putInt(hs.size());
        for (Header h : hs) {
            putBytes(buf, h.name().getBytes(StandardCharsets.UTF_8));
            putBytes(buf, h.value());
        }
        buf.putInt(start, buf.position() - start - 4);
    }

    /**
     * Decodes every record of a whole batch ({@code batch} from position 0 to its limit), checking both checksums.
     *
     * @param file and {@code position} name the place in errors
     */
    public static List<LogRecord> decode(ByteBuffer batch, int partition, String file, long position)
            throws FormatException {
        BatchHeader h = BatchHeader.read(batch, file, position);
        h.checkLength(batch.limit(), file, position);
        if (batch.getInt(RECORDS_CRC_OFFSET) != crc(batch, RECORDS_OFFSET, batch.limit())) {
            throw new FormatException(file, position, "record batch checksum mismatch (batch at offset "
                    + h.baseOffset() + ")");
        }
        ByteBuffer b = batch.duplicate().position(RECORDS_OFFSET);
        List<LogRecord> out = new ArrayList<>(Math.min(h.recordCount(), 1024));
        try {
            for (int i = 0; i < h.recordCount(); i++) {
                out.add(readRecord(b, partition, h.baseOffset()));
            }
        } catch (RuntimeException e) {
            throw new FormatException(file, position, "record batch is malformed: " + e);
        }
        return out;
    }

    private static LogRecord readRecord(ByteBuffer b, int partition, long baseOffset) {
        int length = b.getInt();
        int end = b.position() + length;
        int delta = b.getInt();
        long ts = b.getLong();
        byte[] key = getBytes(b);
        byte[] value = getBytes(b);
        int headerCount = b.getInt();
        List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(Math.min(headerCount, 64));
        for (int i = 0; i < headerCount; i++) {
            headers.add(new Header(new String(getBytes(b), StandardCharsets.UTF_8), getBytes(b)));
        }
        if (b.position() != end) {
            throw new IllegalStateException("record length " + length + " does not match its fields");
        }
        return new LogRecord(partition, baseOffset + delta, ts, key, value, List.copyOf(headers));
    }

    static int crc(ByteBuffer buf, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }

    private static void putBytes(ByteBuffer buf, byte[] bytes) {
        if (bytes == null) {
            buf.putInt(-1);
        } else {
            buf.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        if (n > b.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return bytes;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
