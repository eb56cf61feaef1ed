package dev.faucet.log.segment;

import dev.faucet.log.FileSeam;
import dev.faucet.log.LogFile;
import dev.faucet.log.LogRecord;
import dev.faucet.log.format.BatchHeader;
import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.format.RecordBatchCodec;
import dev.faucet.log.format.RecordBatchDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One segment of a partition: a file of record batches starting at {@code baseOffset}, with its offset and time
 * indexes. The writer thread appends (buffered until {@link #flush()}), forces and truncates; any thread reads the
 * bytes below a position the caller knows to be committed.
 */
public final class Segment implements AutoCloseable {
    private static final int READ_CHUNK = 64 * 1024;

    private final LogFile file;
    private final long baseOffset;
    private final SparseIndex offsetIndex;
    private final SparseIndex timeIndex;
    private final int indexIntervalBytes;
    private final long createdMs;
    private final List<ByteBuffer> pending = new ArrayList<>();
    private volatile long size;
    private volatile long maxTimestampMs = Long.MIN_VALUE;
    private long writePosition;
    private long nextOffset;
    private long lastIndexedPosition = -1;

    private Segment(LogFile file, long baseOffset, SparseIndex offsetIndex, SparseIndex timeIndex,
            int indexIntervalBytes, long createdMs) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.createdMs = createdMs;
        this.nextOffset = baseOffset;
    }

    /** The file name of the segment that starts at {@code baseOffset}, e.g. {@code 00000000000000000042.log}. */
    public static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    /** Creates a new, empty segment and makes its header durable. */
    public static Segment create(FileSeam seam, Path dir, long baseOffset, int indexIntervalBytes, long nowMs)
            throws IOException {
        Path path = dir.resolve(fileName(baseOffset, ".log"));
        Files.deleteIfExists(path);
        LogFile file = seam.open(path);
        file.append(FileHeaderDescriptor.encode(FileHeaderDescriptor.SEGMENT_MAGIC, baseOffset, nowMs));
        file.force();
        Segment s = withIndexes(seam, dir, file, baseOffset, indexIntervalBytes, nowMs, (k, v) -> false);
        s.size = FileHeaderDescriptor.LENGTH;
        s.writePosition = s.size;
        return s;
    }

    /** For {@link #open}: keep the longest prefix of whole, valid batches and cut the rest (a lost tail). */
    public static final long SALVAGE = -2;

    /**
     * Opens an existing segment, cuts it to {@code validBytes} (use {@code -1} to keep the whole file, or
     * {@link #SALVAGE}), keeps the index entries that point inside it and re-indexes the tail after them.
     *
     * @param verifyTail also check the record checksums of the re-indexed tail (recovery of the active segment)
     * @throws FormatException when the kept bytes do not hold whole, valid batches
     */
    public static Segment open(FileSeam seam, Path path, long validBytes, int indexIntervalBytes, boolean verifyTail,
            long nowMs) throws IOException, FormatException {
        LogFile file = seam.open(path);
        try {
            ByteBuffer header = readHeader(file);
            long base = header.getLong(FileHeaderDescriptor.BASE_OFFSET);
            long createdMs = FileHeaderDescriptor.createdMs(header);
            long keep = validBytes < 0 ? file.size() : Math.min(validBytes, file.size());
            if (keep < file.size()) {
                file.truncate(keep);
            }
            Segment s = withIndexes(seam, path.getParent(), file, base, indexIntervalBytes, createdMs,
                    (k, v) -> v < keep);
            s.size = keep;
            s.writePosition = keep;
            s.reindexTail(verifyTail, validBytes == SALVAGE);
            return s;
        } catch (IOException | FormatException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static ByteBuffer readHeader(LogFile file) throws IOException, FormatException {
        ByteBuffer header = ByteBuffer.allocate(FileHeaderDescriptor.LENGTH);
        file.read(header, 0);
        long base = FileHeaderDescriptor.decode(header.flip(), FileHeaderDescriptor.SEGMENT_MAGIC,
                file.path().toString());
        if (!file.path().getFileName().toString().equals(fileName(base, ".log"))) {
            throw new FormatException(file.path().toString(), 0, "segment header says base offset " + base);
        }
        return header;
    }

    private static Segment withIndexes(FileSeam seam, Path dir, LogFile file, long base, int interval, long createdMs,
            SparseIndex.EntryBound positionBound) throws IOException {
        SparseIndex offsets = SparseIndex.open(seam, dir.resolve(fileName(base, ".index")),
                FileHeaderDescriptor.OFFSET_INDEX_MAGIC, base, positionBound);
        SparseIndex times = SparseIndex.open(seam, dir.resolve(fileName(base, ".timeindex")),
                FileHeaderDescriptor.TIME_INDEX_MAGIC, base, (k, v) -> true);
        int pairs = Math.min(offsets.count(), times.count());
        offsets.truncateTo(pairs);
        times.truncateTo(pairs);
        return new Segment(file, base, offsets, times, interval, createdMs);
    }

    /** Scans the batches after the last indexed one, re-adding index entries, and finds the next offset. */
    private void reindexTail(boolean verifyRecords, boolean salvage) throws IOException, FormatException {
        long pos = FileHeaderDescriptor.LENGTH;
        int i = offsetIndex.count() - 1;
        if (i >= 0) {
            pos = offsetIndex.valueAt(i);
            lastIndexedPosition = pos;
            maxTimestampMs = timeIndex.count() == 0 ? Long.MIN_VALUE : timeIndex.lastKey();
        }
        while (pos < size) {
            BatchHeader h;
            try {
                h = verifyRecords ? verifiedBatch(pos) : headerAt(pos, size);
            } catch (FormatException e) {
                if (!salvage) {
                    throw e;
                }
                file.truncate(pos);
                size = pos;
                writePosition = pos;
                return;
            }
            if (pos != lastIndexedPosition) {
                index(h, pos);
            }
            maxTimestampMs = Math.max(maxTimestampMs, h.maxTimestampMs());
            nextOffset = h.nextOffset();
            pos += h.totalLength();
        }
    }

    private BatchHeader verifiedBatch(long pos) throws IOException, FormatException {
        BatchHeader h = headerAt(pos, size);
        ByteBuffer batch = ByteBuffer.allocate(h.totalLength());
        file.read(batch, pos);
        RecordBatchCodec.decode(batch.flip(), -1, file.path().toString(), pos);
        return h;
    }

    /** Reads and checks the batch header at {@code pos}, which must end at or before {@code limit}. */
    BatchHeader headerAt(long pos, long limit) throws IOException, FormatException {
        ByteBuffer buf = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_LENGTH);
        if (limit - pos < buf.capacity() || file.read(buf, pos) < buf.capacity()) {
            throw new FormatException(file.path().toString(), pos, "record batch header is cut short");
        }
        BatchHeader h = BatchHeader.read(buf.flip(), file.path().toString(), pos);
        if (pos + h.totalLength() > limit) {
            throw new FormatException(file.path().toString(), pos, "record batch of " + h.totalLength()
                    + " bytes runs past the end of the valid data at byte " + limit);
        }
        return h;
    }

    private void index(BatchHeader h, long pos) {
        if (lastIndexedPosition < 0 || pos - lastIndexedPosition >= indexIntervalBytes) {
            offsetIndex.add(h.baseOffset(), pos);
            timeIndex.add(maxTimestampMs, h.baseOffset());
            lastIndexedPosition = pos;
        }
    }

    /** Buffers a sealed batch for appending; it reaches the file on {@link #flush()}. Writer thread only. */
    public void append(ByteBuffer batch, BatchHeader h) {
        index(h, writePosition);
        maxTimestampMs = Math.max(maxTimestampMs, h.maxTimestampMs());
        pending.add(batch);
        writePosition += h.totalLength();
        nextOffset = h.nextOffset();
    }

    /** Writes the buffered batches and index entries to the files (not yet durable). Writer thread only. */
    public void flush() throws IOException {
        if (!pending.isEmpty()) {
            file.append(pending.toArray(ByteBuffer[]::new));
            pending.clear();
            size = writePosition;
        }
        offsetIndex.flush();
        timeIndex.flush();
    }

    /**
     * Moves the next offset forward to {@code offset}, leaving a gap: after an {@code fsync: never} topic lost its
     * tail, the offsets it had acknowledged are not handed out again.
     */
    public void skipTo(long offset) {
        nextOffset = Math.max(nextOffset, offset);
    }

    /**
     * Makes what was already {@link #flush() flushed} durable. Any thread (the sync thread forces while the writer
     * appends the next group).
     */
    public void forceFile() throws IOException {
        file.force();
    }

    /** Makes the appended batches durable. Writer thread only. */
    public void force() throws IOException {
        flush();
        file.force();
    }

    /** Forces the data and the indexes; used when the segment is closed for appends. */
    public void forceAll() throws IOException {
        force();
        offsetIndex.force();
        timeIndex.force();
    }

    /**
     * Reads the records with offsets from {@code fromOffset} below {@code endOffset}, from bytes below
     * {@code limitPosition}, until {@code maxRecords} or about {@code maxBytes} are collected.
     */
    public void read(long fromOffset, long endOffset, long limitPosition, int partition, ReadSink sink)
            throws IOException, FormatException {
        int i = offsetIndex.floor(fromOffset, false);
        long pos = i < 0 ? FileHeaderDescriptor.LENGTH : offsetIndex.valueAt(i);
        while (pos < limitPosition && sink.wantsMore()) {
            int want = (int) Math.min(limitPosition - pos, Math.max(READ_CHUNK, RecordBatchDescriptor.HEADER_LENGTH));
            ByteBuffer chunk = ByteBuffer.allocate(want);
            file.read(chunk, pos);
            chunk.flip();
            pos = readChunk(chunk, pos, limitPosition, fromOffset, endOffset, partition, sink);
        }
    }

    private long readChunk(ByteBuffer chunk, long start, long limit, long from, long end, int partition,
            ReadSink sink) throws IOException, FormatException {
        int off = 0;
        while (off < chunk.limit() && sink.wantsMore()) {
            long pos = start + off;
            if (chunk.limit() - off < RecordBatchDescriptor.HEADER_LENGTH) {
                if (off == 0) {
                    throw new FormatException(file.path().toString(), pos, "record batch header is cut short");
                }
                return pos;
            }
            BatchHeader h = BatchHeader.read(chunk.slice(off, RecordBatchDescriptor.HEADER_LENGTH),
                    file.path().toString(), pos);
            if (pos + h.totalLength() > limit) {
                throw new FormatException(file.path().toString(), pos, "record batch runs past committed data");
            }
            if (h.nextOffset() > from) {
                ByteBuffer batch = off + h.totalLength() <= chunk.limit() ? chunk.slice(off, h.totalLength())
                        : readFully(pos, h.totalLength());
                for (LogRecord r : RecordBatchCodec.decode(batch, partition, file.path().toString(), pos)) {
                    if (r.offset() >= from && r.offset() < end && sink.wantsMore()) {
                        sink.accept(r);
                    }
                }
            }
            off += h.totalLength();
        }
        return start + off;
    }

    private ByteBuffer readFully(long pos, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        file.read(buf, pos);
        return buf.flip();
    }

    /** The offset of the first batch that may hold records at or after {@code timestampMs}. */
    public long offsetBeforeTime(long timestampMs) {
        int i = timeIndex.floor(timestampMs, true);
        return i < 0 ? baseOffset : timeIndex.valueAt(i);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes written to the file (appends not yet flushed excluded). */
    public long size() {
        return size;
    }

    /** Bytes the segment will hold once pending appends are flushed. Writer thread only. */
    public long writePosition() {
        return writePosition;
    }

    /** The offset after the last record appended. Writer thread only. */
    public long nextOffset() {
        return nextOffset;
    }

    public long maxTimestampMs() {
        return maxTimestampMs;
    }

    public long createdMs() {
        return createdMs;
    }

    public Path path() {
        return file.path();
    }

    public boolean isEmpty() {
        return writePosition <= FileHeaderDescriptor.LENGTH;
    }

    @Override
    public void close() throws IOException {
        try (file; offsetIndex; timeIndex) {
            flush();
        }
    }

    /** Closes the segment and deletes its files. */
    public void delete() throws IOException {
        close();
        Path dir = file.path().getParent();
        for (String suffix : new String[] {".log", ".index", ".timeindex"}) {
            Files.deleteIfExists(dir.resolve(fileName(baseOffset, suffix)));
        }
    }
}
