package dev.faucet.log;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The log's settings and limits, validated when the log opens. Every limit is named here and enforced by the log.
 *
 * @param maxRecordBytes the largest record (key, value and headers, encoded) an append accepts; default 1 MiB
 * @param maxPartitionsPerTopic the most partitions a topic may have; default 1024
 * @param maxPendingBytes appends waiting for the writer hold at most this many bytes; further appends wait. It is
 *     also the largest single commit (at most 1 GiB); default 256 MiB
 * @param indexIntervalBytes bytes of records between two entries of a segment's sparse indexes
 * @param journalBytes the commit journal starts a new file (with a checkpoint) past this size
 * @param maintenanceInterval how often retention and compaction run
 * @param tombstoneRetention how long a compacted topic keeps a tombstone, counted from the tombstone's timestamp
 * @param maxReadBytes one read returns about this many bytes at most (always at least one record); default 16 MiB
 */
public record LogConfig(FileSeam fileSeam, InstantSource clock, int maxRecordBytes, int maxPartitionsPerTopic,
        long maxPendingBytes, int indexIntervalBytes, long journalBytes, Duration maintenanceInterval,
        Duration tombstoneRetention, long maxReadBytes) {
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    public LogConfig {
        Objects.requireNonNull(fileSeam, "fileSeam");
        Objects.requireNonNull(clock, "clock");
        positive("maxRecordBytes", maxRecordBytes);
        positive("maxPartitionsPerTopic", maxPartitionsPerTopic);
        positive("maxPendingBytes", maxPendingBytes);
        positive("indexIntervalBytes", indexIntervalBytes);
        positive("journalBytes", journalBytes);
        positive("maxReadBytes", maxReadBytes);
        if (maxPendingBytes > 1L << 30) {
            throw new IllegalArgumentException("maxPendingBytes must be at most 1 GiB, got " + maxPendingBytes);
        }
        if (maxPendingBytes < maxRecordBytes) {
            throw new IllegalArgumentException("maxPendingBytes (" + maxPendingBytes
                    + ") must be at least maxRecordBytes (" + maxRecordBytes + ")");
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(FileSeam.real(), InstantSource.system(), DEFAULT_MAX_RECORD_BYTES, 1024,
                256L * 1024 * 1024, 4096, 16L * 1024 * 1024, Duration.ofSeconds(30), Duration.ofDays(1),
                16L * 1024 * 1024);
    }

    public LogConfig withFileSeam(FileSeam seam) {
        return new LogConfig(seam, clock, maxRecordBytes, maxPartitionsPerTopic, maxPendingBytes, indexIntervalBytes,
                journalBytes, maintenanceInterval, tombstoneRetention, maxReadBytes);
    }

    public LogConfig withClock(InstantSource source) {
        return new LogConfig(fileSeam, source, maxRecordBytes, maxPartitionsPerTopic, maxPendingBytes,
                indexIntervalBytes, journalBytes, maintenanceInterval, tombstoneRetention, maxReadBytes);
    }

    public LogConfig withMaxRecordBytes(int bytes) {
        return new LogConfig(fileSeam, clock, bytes, maxPartitionsPerTopic, maxPendingBytes, indexIntervalBytes,
                journalBytes, maintenanceInterval, tombstoneRetention, maxReadBytes);
    }

    public LogConfig withMaxPartitionsPerTopic(int partitions) {
        return new LogConfig(fileSeam, clock, maxRecordBytes, partitions, maxPendingBytes, indexIntervalBytes,
                journalBytes, maintenanceInterval, tombstoneRetention, maxReadBytes);
    }

    public LogConfig withJournalBytes(long bytes) {
        return new LogConfig(fileSeam, clock, maxRecordBytes, maxPartitionsPerTopic, maxPendingBytes,
                indexIntervalBytes, bytes, maintenanceInterval, tombstoneRetention, maxReadBytes);
    }

    public LogConfig withIndexIntervalBytes(int bytes) {
        return new LogConfig(fileSeam, clock, maxRecordBytes, maxPartitionsPerTopic, maxPendingBytes, bytes,
                journalBytes, maintenanceInterval, tombstoneRetention, maxReadBytes);
    }

    public LogConfig withMaintenance(Duration interval, Duration tombstones) {
        return new LogConfig(fileSeam, clock, maxRecordBytes, maxPartitionsPerTopic, maxPendingBytes,
                indexIntervalBytes, journalBytes, interval, tombstones, maxReadBytes);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    public LogConfig withMaxReadBytes(long bytes) {
        return new LogConfig(fileSeam, clock, maxRecordBytes, maxPartitionsPerTopic, maxPendingBytes,
                indexIntervalBytes, journalBytes, maintenanceInterval, tombstoneRetention, bytes);
    }

    public LogConfig withMaxPendingBytes(long bytes) {
        return new LogConfig(fileSeam, clock, maxRecordBytes, maxPartitionsPerTopic, bytes, indexIntervalBytes,
                journalBytes, maintenanceInterval, tombstoneRetention, maxReadBytes);
    }
}
