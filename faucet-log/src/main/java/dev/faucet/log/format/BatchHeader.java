package dev.faucet.log.format;

import static dev.faucet.log.format.RecordBatchDescriptor.HEADER_CRC_OFFSET;
import static dev.faucet.log.format.RecordBatchDescriptor.HEADER_LENGTH;
import static dev.faucet.log.format.RecordBatchDescriptor.LOG_OVERHEAD;

import java.nio.ByteBuffer;

/**
 * The checked header fields of one batch, read without touching its records: enough to scan a segment, build
 * indexes and find the batch that holds an offset.
 */
public record BatchHeader(long baseOffset, int totalLength, long commitId, int lastOffsetDelta, int recordCount,
        long firstTimestampMs, long maxTimestampMs) {

    /** The offset after the last one this batch covers. */
    public long nextOffset() {
        return baseOffset + lastOffsetDelta + 1;
    }

    /** Reads and checks the {@link RecordBatchDescriptor#HEADER_LENGTH} bytes at the start of {@code buf}. */
    public static BatchHeader read(ByteBuffer buf, String file, long position) throws FormatException {
        if (buf.limit() < HEADER_LENGTH) {
            throw new FormatException(file, position, "record batch header is cut short");
        }
        if (buf.getInt(HEADER_CRC_OFFSET) != RecordBatchCodec.crc(buf, 0, HEADER_CRC_OFFSET)) {
            throw new FormatException(file, position, "record batch header checksum mismatch");
        }
        if (buf.get(RecordBatchDescriptor.VERSION_OFFSET) != RecordBatchDescriptor.VERSION) {
            throw new FormatException(file, position, "record batch version "
                    + buf.get(RecordBatchDescriptor.VERSION_OFFSET) + " is not supported");
        }
        int length = buf.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
        int count = buf.getInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET);
        int lastDelta = buf.getInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
        if (length < HEADER_LENGTH - LOG_OVERHEAD || count < 0 || lastDelta < count - 1) {
            throw new FormatException(file, position, "record batch header is inconsistent");
        }
        return new BatchHeader(buf.getLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET), length + LOG_OVERHEAD,
                buf.getLong(RecordBatchDescriptor.COMMIT_ID_OFFSET), lastDelta, count,
                buf.getLong(RecordBatchDescriptor.FIRST_TIMESTAMP_OFFSET),
                buf.getLong(RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET));
    }

    void checkLength(int actual, String file, long position) throws FormatException {
        if (actual != totalLength) {
            throw new FormatException(file, position, "record batch is " + actual + " bytes, its header says "
                    + totalLength);
        }
    }
}
