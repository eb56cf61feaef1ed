package dev.faucet.log.retention;

import dev.faucet.log.LogConfig;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.commit.LogWriter;
import dev.faucet.log.partition.Partition;
import dev.faucet.log.segment.Segment;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps partitions within their retention and compacts compacted topics.
 *
 * <p>Retention runs on the writer thread ({@link #runOnWriter}), which owns the segment lists: it drops whole closed
 * segments whose records are all older than the retention time, the oldest closed segments while the partition
 * is larger than its retention size, and closed segments wholly before the offset its reader released
 * ({@code Log.releaseBefore}, for internal topics with one reader). The active segment is never deleted.
 * Compaction runs on its own cleaner thread ({@link Compactor}) and hands finished segments to the writer to swap in.
 */
public final class Maintenance {
    private final Supplier<List<Partition>> partitions;
    private final LogConfig config;
    private final Consumer<String> problems;
    private Compactor compactor;
    private Thread cleaner;

    public Maintenance(Supplier<List<Partition>> partitions, LogConfig config, Consumer<String> problems) {
        this.partitions = partitions;
        this.config = config;
        this.problems = problems;
    }

    /** Applies retention to every partition. Writer thread only; errors are noted, never fatal. */
    public void runOnWriter() {
        long now = config.clock().millis();
        for (Partition p : partitions.get()) {
            try {
                applyRetention(p, now);
            } catch (IOException e) {
                problems.accept("retention of " + p + " failed: " + e);
            }
        }
    }

    static void applyRetention(Partition p, long nowMs) throws IOException {
        TopicConfig c = p.config();
        long released = p.releasedBefore();
        if (c.retentionTime() == null && c.retentionBytes() < 0 && released < 0) {
            return;
        }
        Segment[] segs = p.segments();
        long total = Arrays.stream(segs).mapToLong(Segment::size).sum();
        int drop = 0;
        for (int i = 0; i < segs.length - 1; i++) {
            Segment s = segs[i];
            boolean expired = c.retentionTime() != null
                    && (s.isEmpty() || s.maxTimestampMs() < nowMs - c.retentionTime().toMillis());
            boolean oversize = c.retentionBytes() >= 0 && total - s.size() >= c.retentionBytes();
            boolean consumed = released >= 0 && s.nextOffset() <= released;
            if (!expired && !oversize && !consumed) {
                break;
            }
            total -= s.size();
            drop = i + 1;
        }
        if (drop > 0) {
            p.replaceSegments(Arrays.copyOfRange(segs, drop, segs.length));
            for (int i = 0; i < drop; i++) {
                segs[i].delete();
            }
        }
    }

    /** Starts the cleaner thread that compacts compacted topics. */
    public void startCleaner(LogWriter writer) {
        compactor = new Compactor(partitions, writer, config, problems);
        cleaner = new Thread(compactor, "faucet-log-cleaner");
        cleaner.setDaemon(true);
        cleaner.start();
    }

    /** Runs one compaction pass now, on the calling thread (tests, tools). */
    public void compactNow() {
        if (compactor != null) {
            compactor.pass();
        }
    }

    /** Asks the cleaner to stop; returns its thread (to join), or null when none runs. */
    public Thread stop() {
        if (cleaner != null) {
            compactor.stop();
            cleaner.interrupt();
        }
        return cleaner;
    }
}
