package dev.faucet.log;

import java.time.Duration;
import java.util.Objects;

/**
 * A topic's settings. Validated by {@link Log#createTopic(TopicConfig)} against the log's limits.
 *
 * @param retentionTime records older than this (by their event time) are deleted a whole segment at a time;
 *     {@code null} keeps them forever
 * @param retentionBytes a partition larger than this loses its oldest segments; {@code -1} for no size limit
 * @param compact keep only the latest record per key (and tombstones for a while): a table
 * @param segmentBytes a segment that reaches this size is closed and a new one started
 * @param segmentAge a segment older than this is closed at its next append
 */
public record TopicConfig(String name, int partitions, Duration retentionTime, long retentionBytes, boolean compact,
        FsyncPolicy fsync, long segmentBytes, Duration segmentAge) {
    public static final long DEFAULT_SEGMENT_BYTES = 128L * 1024 * 1024;
    public static final Duration DEFAULT_SEGMENT_AGE = Duration.ofDays(7);

    public TopicConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(segmentAge, "segmentAge");
    }

    /** A topic with the given partitions, kept forever, durable, 128 MiB segments. */
    public static TopicConfig of(String name, int partitions) {
        return new TopicConfig(name, partitions, null, -1, false, FsyncPolicy.ALWAYS, DEFAULT_SEGMENT_BYTES,
                DEFAULT_SEGMENT_AGE);
    }

    public TopicConfig withRetention(Duration time, long bytes) {
        return new TopicConfig(name, partitions, time, bytes, compact, fsync, segmentBytes, segmentAge);
    }

    public TopicConfig withCompaction(boolean on) {
        return new TopicConfig(name, partitions, retentionTime, retentionBytes, on, fsync, segmentBytes, segmentAge);
    }

    public TopicConfig withFsync(FsyncPolicy policy) {
        return new TopicConfig(name, partitions, retentionTime, retentionBytes, compact, policy, segmentBytes,
                segmentAge);
    }

    public TopicConfig withSegments(long bytes, Duration age) {
        return new TopicConfig(name, partitions, retentionTime, retentionBytes, compact, fsync, bytes, age);
    }
}
