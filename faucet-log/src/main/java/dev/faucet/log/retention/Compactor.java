package dev.faucet.log.retention;

import dev.faucet.log.FileSeam;
import dev.faucet.log.LogConfig;
import dev.faucet.log.LogFile;
import dev.faucet.log.LogRecord;
import dev.faucet.log.commit.LogWriter;
import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.format.RecordBatchCodec;
import dev.faucet.log.partition.Partition;
import dev.faucet.log.segment.ReadSink;
import dev.faucet.log.segment.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Compacts the closed segments of compacted topics: a record survives when it is the latest for its key in the
 * partition; a tombstone survives until it is older than the tombstone retention. Offsets never change (a compacted
 * partition has gaps). Each cleaned segment is written beside the original as {@code .cleaned}, fsynced, and swapped
 * in by the writer thread with an atomic rename, after the old indexes are removed, so a crash at any point leaves
 * either the old or the new segment, and at worst a missing index that the next open rebuilds.
 *
 * <p>Threading: {@link #run} is the cleaner thread; swaps run on the writer thread.
 */
final class Compactor implements Runnable {
    private static final int BATCH_RECORDS = 1000;

    private final Supplier<List<Partition>> partitions;
    private final LogWriter writer;
    private final LogConfig config;
    private final Consumer<String> problems;
    private final Map<Partition, Cleaned> cleaned = new HashMap<>();
    private volatile boolean running = true;

    Compactor(Supplier<List<Partition>> partitions, LogWriter writer, LogConfig config, Consumer<String> problems) {
        this.partitions = partitions;
        this.writer = writer;
        this.config = config;
        this.problems = problems;
    }

    @Override
    public void run() {
        while (running) {
            pass();
            try {
                Thread.sleep(config.maintenanceInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        running = false;
    }

    /** What the last pass over a partition saw: its end offset, and when the first tombstone it kept expires. */
    private record Cleaned(long endOffset, long tombstoneExpiresAfterMs) {
    }

    synchronized void pass() {
        for (Partition p : partitions.get()) {
            if (!p.config().compact() || p.segments().length < 2 || !running || p.isClosed()) {
                continue;
            }
            long closedEnd = p.active().baseOffset();
            long end = p.endOffset();
            Cleaned last = cleaned.get(p);
            if (last != null && last.endOffset() >= end && config.clock().millis() <= last.tombstoneExpiresAfterMs()) {
                continue;
            }
            try {
                cleaned.put(p, new Cleaned(end, compact(p)));
            } catch (IOException | FormatException | RuntimeException e) {
                problems.accept("compaction of " + p + " up to offset " + closedEnd + " failed: " + e);
            }
        }
    }

    /**
     * Compacts the closed segments; returns the time after which the first tombstone it kept expires (or
     * {@code Long.MAX_VALUE}). A record the scan for latest offsets did not see (appended since, in a segment that
     * closed meanwhile) is kept: it may be the newest of its key.
     */
    private long compact(Partition p) throws IOException, FormatException {
        Map<ByteBuffer, Long> latest = latestOffsets(p);
        long retentionMs = config.tombstoneRetention().toMillis();
        long tombstoneCutoff = config.clock().millis() - retentionMs;
        long firstExpiry = Long.MAX_VALUE;
        Segment[] segs = p.segments();
        for (int i = 0; i < segs.length - 1 && running; i++) {
            List<LogRecord> all = records(segs[i], p);
            List<LogRecord> kept = new ArrayList<>();
            for (LogRecord r : all) {
                Long newestOffset = latest.get(ByteBuffer.wrap(r.key()));
                boolean newest = newestOffset == null || r.offset() >= newestOffset;
                boolean expiredTombstone = r.value() == null && r.timestampMs() < tombstoneCutoff;
                if (newest && !expiredTombstone) {
                    kept.add(r);
                    if (r.value() == null) {
                        firstExpiry = Math.min(firstExpiry, r.timestampMs() + Math.min(retentionMs,
                                Long.MAX_VALUE - r.timestampMs()));
                    }
                }
            }
            if (kept.size() < all.size()) {
                swap(p, segs[i], writeCleaned(p.seam(), segs[i], kept));
            }
        }
        return firstExpiry;
    }

    private static Map<ByteBuffer, Long> latestOffsets(Partition p) {
        Map<ByteBuffer, Long> latest = new HashMap<>();
        long offset = p.startOffset();
        long end = p.endOffset();
        while (offset < end) {
            List<LogRecord> batch = p.read(offset, 10_000, 32 << 20);
            if (batch.isEmpty()) {
                break;
            }
            for (LogRecord r : batch) {
                latest.put(ByteBuffer.wrap(r.key()), r.offset());
            }
            offset = batch.get(batch.size() - 1).offset() + 1;
        }
        return latest;
    }

    private static List<LogRecord> records(Segment s, Partition p) throws IOException, FormatException {
        List<LogRecord> out = new ArrayList<>();
        s.read(s.baseOffset(), Long.MAX_VALUE, s.size(), p.index(), new ReadSink() {
            @Override
            public boolean wantsMore() {
                return true;
            }

            @Override
            public void accept(LogRecord record) {
                out.add(record);
            }
        });
        return out;
    }

    private static Path writeCleaned(FileSeam seam, Segment s, List<LogRecord> kept) throws IOException {
        Path cleaned = s.path().resolveSibling(s.path().getFileName() + ".cleaned");
        Files.deleteIfExists(cleaned);
        try (LogFile f = seam.open(cleaned)) {
            f.append(FileHeaderDescriptor.encode(FileHeaderDescriptor.SEGMENT_MAGIC, s.baseOffset(), s.createdMs()));
            for (int from = 0; from < kept.size(); from += BATCH_RECORDS) {
                List<LogRecord> part = kept.subList(from, Math.min(kept.size(), from + BATCH_RECORDS));
                long base = part.get(0).offset();
                int lastDelta = (int) (part.get(part.size() - 1).offset() - base);
                f.append(RecordBatchCodec.encodeKept(part, base, lastDelta, 0));
            }
            f.force();
        }
        return cleaned;
    }

    private void swap(Partition p, Segment old, Path cleaned) {
        writer.control(now -> {
            Segment[] segs = p.segments();
            int i = List.of(segs).indexOf(old);
            if (p.isClosed() || i < 0 || i == segs.length - 1 || !Files.exists(cleaned)) {
                // The topic was deleted (maybe recreated) or retention took the segment meanwhile.
                Files.deleteIfExists(cleaned);
                return null;
            }
            Path dir = old.path().getParent();
            Files.deleteIfExists(dir.resolve(Segment.fileName(old.baseOffset(), ".index")));
            Files.deleteIfExists(dir.resolve(Segment.fileName(old.baseOffset(), ".timeindex")));
            Files.move(cleaned, old.path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            p.seam().forceDirectory(dir);
            Segment fresh = openCleaned(p, old.path(), now);
            Segment[] replaced = segs.clone();
            replaced[i] = fresh;
            p.replaceSegments(replaced);
            old.close();
            return null;
        }).join();
    }

    private static Segment openCleaned(Partition p, Path path, long now) throws IOException {
        try {
            return Segment.open(p.seam(), path, -1, p.indexIntervalBytes(), false, now);
        } catch (FormatException e) {
            throw new IOException("the compacted segment " + path + " is unreadable: " + e.getMessage(), e);
        }
    }
}
