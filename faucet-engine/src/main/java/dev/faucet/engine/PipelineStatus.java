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
        long deadLettered) {

    public PipelineStatus {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        steps = List.copyOf(steps);
        partitions = List.copyOf(partitions);
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
}
