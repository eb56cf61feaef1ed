package dev.faucet.log.partition;

import dev.faucet.log.FileSeam;
import dev.faucet.log.FsyncPolicy;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.commit.JournalEntry;
import dev.faucet.log.format.BatchHeader;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.segment.ReadSink;
import dev.faucet.log.segment.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One partition: an ordered list of segments, the last of which takes appends.
 *
 * <p>Threading: the writer thread appends, rolls, publishes commits and removes segments; readers on any thread use
 * {@link #read} and {@link #offsetForTime}, which see the committed records only and never block the writer.
 */
public final class Partition {
    private final int topicId;
    private final String topic;
    private final int index;
    private final Path dir;
    private final FileSeam seam;
    private final int indexIntervalBytes;
    private volatile TopicConfig config;
    private volatile Segment[] segments;
    private volatile CommittedEnd committed;
    private volatile boolean closed;
    /** Records before this offset may be deleted with their closed segments (see {@link #releaseBefore}); -1: none. */
    private volatile long releasedBefore = -1;

    Partition(int topicId, TopicConfig config, int index, Path dir, FileSeam seam, int indexIntervalBytes,
            Segment[] segments) {
        this.topicId = topicId;
        this.topic = config.name();
        this.config = config;
        this.index = index;
        this.dir = dir;
        this.seam = seam;
        this.indexIntervalBytes = indexIntervalBytes;
        this.segments = segments;
        Segment active = segments[segments.length - 1];
        this.committed = new CommittedEnd(active.nextOffset(), active.baseOffset(), active.writePosition());
    }

    // ---- reading (any thread) ----

    /** Up to {@code maxRecords} committed records from {@code fromOffset} (or the first kept one after it). */
    public List<LogRecord> read(long fromOffset, int maxRecords, long maxBytes) {
        for (int attempt = 0; ; attempt++) {
            try {
                return readOnce(fromOffset, maxRecords, maxBytes);
            } catch (ClosedChannelException e) {
                if (attempt > 10) {
                    throw new LogException(LogException.Kind.CLOSED, "partition " + this + " is closed", e);
                }
            } catch (IOException e) {
                throw new LogException(LogException.Kind.FAILED, "reading " + this + " failed: " + e.getMessage(), e);
            } catch (FormatException e) {
                throw new LogException(LogException.Kind.CORRUPT, "corrupt data in " + this + ": "
                        + e.getMessage() + "; the partition refuses to serve it", e);
            }
        }
    }

    private List<LogRecord> readOnce(long fromOffset, int maxRecords, long maxBytes)
            throws IOException, FormatException {
        CommittedEnd end = committed;
        Segment[] segs = segments;
        List<LogRecord> out = new ArrayList<>(Math.min(maxRecords, 1024));
        ReadSink sink = new ListSink(out, maxRecords, maxBytes);
        for (int i = Math.max(0, floorSegment(segs, fromOffset)); i < segs.length && sink.wantsMore(); i++) {
            Segment s = segs[i];
            if (s.baseOffset() >= end.offset() || s.baseOffset() > end.segmentBase()) {
                break;
            }
            long limit = s.baseOffset() == end.segmentBase() ? end.position() : s.size();
            s.read(fromOffset, end.offset(), limit, index, sink);
        }
        return out;
    }

    private static int floorSegment(Segment[] segs, long offset) {
        int lo = 0;
        int hi = segs.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (segs[mid].baseOffset() <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The offset of the first committed record whose timestamp is at or after {@code timestampMs}, or the end. */
    public long offsetForTime(long timestampMs) {
        Segment[] segs = segments;
        CommittedEnd end = committed;
        for (Segment s : segs) {
            if (s.maxTimestampMs() < timestampMs || s.baseOffset() >= end.offset()) {
                continue;
            }
            long from = s.offsetBeforeTime(timestampMs);
            while (from < end.offset()) {
                List<LogRecord> batch = read(from, 500, 1 << 20);
                if (batch.isEmpty()) {
                    break;
                }
                for (LogRecord r : batch) {
                    if (r.timestampMs() >= timestampMs) {
                        return r.offset();
                    }
                }
                from = batch.get(batch.size() - 1).offset() + 1;
            }
        }
        return end.offset();
    }

    public PartitionInfo info() {
        Segment[] segs = segments;
        long size = 0;
        for (Segment s : segs) {
            size += s.size();
        }
        return new PartitionInfo(index, startOffset(), committed.offset(), size);
    }

    public long startOffset() {
        return Math.min(segments[0].baseOffset(), committed.offset());
    }

    public long endOffset() {
        return committed.offset();
    }

    // ---- writing (writer thread only) ----

    /** The offset the next appended record takes. */
    public long nextOffset() {
        return active().nextOffset();
    }

    /** Appends a sealed batch, first rolling to a new segment when the active one is full or too old. */
    public void append(ByteBuffer batch, BatchHeader h, long nowMs) throws IOException {
        Segment active = active();
        TopicConfig c = config;
        boolean full = active.writePosition() + h.totalLength() > c.segmentBytes();
        boolean old = nowMs - active.createdMs() >= c.segmentAge().toMillis();
        if (!active.isEmpty() && (full || old)) {
            roll(nowMs);
        }
        active().append(batch, h);
    }

    private void roll(long nowMs) throws IOException {
        Segment old = active();
        // Forced whatever the topic's policy: a closed segment must be whole, or the log could not open after a
        // power loss. One fsync per segment costs nothing next to the segment's size.
        old.forceAll();
        Segment next = Segment.create(seam, dir, old.nextOffset(), indexIntervalBytes, nowMs);
        seam.forceDirectory(dir);
        Segment[] grown = Arrays.copyOf(segments, segments.length + 1);
        grown[grown.length - 1] = next;
        segments = grown;
    }

    /** Writes appended batches to the file; forces them when the topic is {@code fsync: always}. */
    public void flush(boolean force) throws IOException {
        if (force && config.fsync() == FsyncPolicy.ALWAYS) {
            active().force();
        } else {
            active().flush();
        }
    }

    /** The end that the commit being written makes durable. */
    public JournalEntry pendingEnd() {
        Segment a = active();
        return new JournalEntry(topicId, index, a.nextOffset(), a.baseOffset(), a.writePosition());
    }

    /** Makes the records of a durable commit visible to readers. Sync thread, in commit order. */
    public void publish(JournalEntry end) {
        committed = new CommittedEnd(end.endOffset(), end.segmentBase(), end.position());
    }

    public JournalEntry committedEnd() {
        CommittedEnd c = committed;
        return new JournalEntry(topicId, index, c.offset(), c.segmentBase(), c.position());
    }

    /**
     * Lets maintenance delete the closed segments whose records all lie before {@code offset} (their only reader has
     * consumed them). Never moves back; kept in memory only (the reader says it again after a restart).
     */
    public void releaseBefore(long offset) {
        if (offset > releasedBefore) {
            releasedBefore = offset;
        }
    }

    public long releasedBefore() {
        return releasedBefore;
    }

    /** The segments now, oldest first; the last takes appends. */
    public Segment[] segments() {
        return segments;
    }

    /** Replaces the segment list (retention, compaction). Writer thread only. */
    public void replaceSegments(Segment[] replacement) {
        segments = replacement;
    }

    public Segment active() {
        Segment[] segs = segments;
        return segs[segs.length - 1];
    }

    public TopicConfig config() {
        return config;
    }

    public int topicId() {
        return topicId;
    }

    public String topic() {
        return topic;
    }

    public int index() {
        return index;
    }

    public Path dir() {
        return dir;
    }

    public FileSeam seam() {
        return seam;
    }

    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    /** Closes the segments; a closed partition (a deleted topic's) is never written again. Writer thread only. */
    public void close() throws IOException {
        closed = true;
        for (Segment s : segments) {
            s.close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return topic + "-" + index;
    }

    /** Collects records into a list up to a count and about a byte size. */
    private static final class ListSink implements ReadSink {
        private final List<LogRecord> out;
        private final int maxRecords;
        private final long maxBytes;
        private long bytes;

        ListSink(List<LogRecord> out, int maxRecords, long maxBytes) {
            this.out = out;
            this.maxRecords = maxRecords;
            this.maxBytes = maxBytes;
        }

        @Override
        public boolean wantsMore() {
            return out.size() < maxRecords && bytes < maxBytes;
        }

        @Override
        public void accept(LogRecord r) {
            out.add(r);
            bytes += (r.value() == null ? 0 : r.value().length) + (r.key() == null ? 0 : r.key().length) + 32;
        }
    }
}
