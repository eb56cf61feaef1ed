package dev.faucet.engine;

import dev.faucet.log.GroupOffset;
import dev.faucet.log.LogRecord;
import dev.faucet.log.LogState;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The seam both runtimes implement: topic operations (this issue) and pipelines (the next). Ingest, reads and
 * subscriptions talk to this, never to the log directly, so the Kafka runtime can take the embedded log's place.
 *
 * <p>The value types are the log's ({@code TopicConfig}, {@code NewRecord}, {@code LogRecord}, ...): they are the
 * data model of a topic in both modes. Bad input is a {@link dev.faucet.log.LogException} whose kind says so, or an
 * {@link IdempotencyConflictException}; system failures complete futures exceptionally.
 *
 * <p>Threading: every method may be called from any thread. Futures complete on the runtime's own threads; callers
 * must not block in their callbacks.
 */
public interface PipelineRuntime extends AutoCloseable {

    /** OPEN while it serves, FAILED once its storage failed closed (it must be restarted), CLOSED after close. */
    LogState state();

    TopicInfo createTopic(TopicConfig config);

    void deleteTopic(String name);

    Optional<TopicInfo> topic(String name);

    /** Users' topics by name; internal ones ({@code __faucet.}) are not listed. */
    List<TopicInfo> topics();

    /**
     * Appends a request's records atomically and durably. With an idempotency key, a retry of the same request
     * within the deduplication window answers the first one's positions and writes nothing.
     *
     * @throws IdempotencyConflictException when the key was used for another request
     */
    CompletableFuture<Published> publish(Publish request);

    /** Committed records of one partition from {@code offset} on, at most {@code maxRecords}. */
    List<LogRecord> read(String topic, int partition, long offset, int maxRecords);

    /** The offset of the first record at or after the time, or the partition's end offset. */
    long offsetForTime(String topic, int partition, long timestampMs);

    OptionalLong committedOffset(String group, String topic, int partition);

    /** Commits a group's next offsets for partitions of one topic; completes once durable. */
    CompletableFuture<Void> commitOffsets(String group, String topic, Map<Integer, Long> nextOffsets);

    /** Every group's committed offsets on a topic. */
    List<GroupOffset> groupOffsets(String topic);

    // ---- pipelines ----

    /**
     * Deploys a pipeline, or updates the one of the same name: the new version takes over from the committed
     * positions. Deploying the version that runs already changes nothing. Creates the dead-letter topic if missing.
     *
     * @return the pipeline's status after the deployment
     * @throws InvalidPipelineException when an input, table or output topic does not exist, or an expression or
     *                                  schema does not compile
     */
    PipelineStatus deploy(Pipeline pipeline);

    /** Checks a pipeline as {@link #deploy} would, without deploying it. */
    void validate(Pipeline pipeline);

    /** The deployed pipeline of that name, as it runs now. */
    Optional<PipelineStatus> pipeline(String name);

    /** Deployed pipelines by name. */
    List<PipelineStatus> pipelines();

    /** The definition of a deployed pipeline (with its YAML source when it came from a file). */
    Optional<Pipeline> definition(String name);

    /** Stops a pipeline's tasks after their in-flight work is committed; kept across restarts. */
    void pause(String name);

    /** Resumes a paused or failed pipeline; a failed one retries the record it stopped at. */
    void resume(String name);

    /** Stops and forgets a pipeline and its positions and state; its output topics stay. */
    void delete(String name);

    // ---- sources ----

    /**
     * Starts copying an external source ({@code type}: {@code kafka}) into {@code topic}, exactly once; the name keys
     * its stored positions, so starting it again under the same name resumes where it stopped.
     *
     * @throws IllegalArgumentException naming every problem with the definition
     */
    void startSource(String name, String type, com.fasterxml.jackson.databind.node.ObjectNode settings, String topic);

    /** The running sources. */
    List<SourceStatus> sources();

    /** Bytes free for the runtime's data, for the disk floor; {@code Long.MAX_VALUE} when not applicable. */
    long usableDiskBytes();

    /** Stops the runtime; in-flight commits finish first. Idempotent. */
    @Override
    void close();
}
