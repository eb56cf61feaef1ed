package dev.faucet.engine;

import java.time.Instant;
import java.util.List;

/**
 * A deployed pipeline as the status API shows it: its definition's identity, its state, what each step did and how
 * far behind each input partition is. A snapshot; counts are since the server started.
 *
 * @param failure why a {@code FAILED} pipeline stopped, and at which record; null otherwise
 * @param ready   its tasks are running and its tables have caught up (a paused pipeline is not counted against it)
 */
public record PipelineStatus(String name, String version, Guarantee guarantee, State state, String failure,
        Instant deployedAt, List<String> inputs, List<String> outputs, String deadLetterTopic, boolean ready,
        List<StepStats> steps, List<PartitionLag> partitions, Latency latency, long recordsIn, long recordsOut,
        long deadLettered, List<SinkStats> sinks) {

    public PipelineStatus {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        steps = List.copyOf(steps);
        partitions = List.copyOf(partitions);
        sinks = List.copyOf(sinks);
    }

    /** The sum of the records behind over every input partition. */
    public long lagRecords() {
        return partitions.stream().mapToLong(PartitionLag::lagRecords).sum();
    }

    public enum State {
        /** Its tasks are reading and committing. */
        RUNNING,
        /** Paused by a user; positions kept. */
        PAUSED,
        /** Stopped at a failing record ({@code onFailure: fail}); stays so across restarts until resumed. */
        FAILED
    }

    /**
     * What one step did. {@code dropped} counts records the step took out on purpose, by reason ({@code filtered},
     * {@code duplicate}, {@code enrich-missing}); {@code failed} counts records it sent to dead letters or stopped at.
     */
    public record StepStats(String id, String kind, long in, long out, long failed, long retries,
            java.util.Map<String, Long> dropped, double processingMicrosMean) {
    }

    /**
     * How far one input partition is behind: {@code committed} is the pipeline's next offset, {@code end} the
     * partition's; {@code lagSeconds} is the age of the oldest record not yet processed (0 when caught up).
     */
    public record PartitionLag(String topic, int partition, long committed, long end, long lagRecords,
            double lagSeconds) {
    }

    /** End-to-end latency (ingest timestamp to committed output), in milliseconds, since start. */
    public record Latency(long count, double p50, double p99, double p999, double max) {
        public static final Latency NONE = new Latency(0, 0, 0, 0, 0);
    }

    /** What a sink partition is doing. */
    public enum SinkState {
        /** Delivering, or waiting for records. */
        DELIVERING,
        /** The last attempt failed; trying again after a backoff. */
        RETRYING,
        /** Failed attempts in a row opened the circuit breaker: delivery holds until the pause ends. */
        BREAKER_OPEN
    }

    /**
     * One sink of the pipeline: its counts since start, and per partition of its queue what it is doing, how far
     * behind it is ({@code queued}: records committed by the pipeline and not yet delivered) and its last error.
     */
    public record SinkStats(String name, String type, long delivered, long deadLettered, long retries,
            long breakerOpenings, List<SinkPartition> partitions) {
        public SinkStats {
            partitions = List.copyOf(partitions);
        }

        /** The worst state over the partitions. */
        public SinkState state() {
            return partitions.stream().map(SinkPartition::state).max(Enum::compareTo).orElse(SinkState.DELIVERING);
        }
    }

    /** One partition of a sink's queue. */
    public record SinkPartition(int partition, SinkState state, long position, long end, long queued, String error) {
    }
}
