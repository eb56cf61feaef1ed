package dev.faucet.engine;

import java.util.Map;
import java.util.Set;

/**
 * Where a pipeline's {@code sink} step delivers: a database, an HTTP endpoint, another Kafka cluster. Connectors
 * implement this and nothing else; the engine wraps every sink with retries and backoff, the circuit breaker,
 * metrics and dead letters, so a sink neither retries nor sleeps itself: it does one attempt and says, by throwing
 * {@link SinkException}, which records failed and whether trying again may help.
 *
 * <p>Lifecycle: {@link #open} once, before the first batch, on the thread that then calls {@link #write} (one batch
 * at a time per sink instance); {@link #close} once. A pipeline has one sink instance per sink step and input
 * partition of the sink's queue, so an instance never sees two partitions' batches interleaved.
 */
public interface Sink extends AutoCloseable {

    /** What a sink can promise; decides which pipeline guarantees it accepts. */
    enum Capability {
        /** Writing the same record twice has the effect of writing it once (an upsert, an idempotency key). */
        IDEMPOTENT,
        /**
         * A batch and its position are stored in one transaction in the target system, and {@link #open} returns
         * that position: nothing is repeated or lost across a crash, whatever the effect of a single write.
         */
        TRANSACTIONAL
    }

    Set<Capability> capabilities();

    /**
     * Connects, and answers the positions the sink keeps itself (the next offset to deliver, per partition of
     * {@link SinkContext#topic()}); empty when the engine keeps them. The engine starts each partition at the
     * later of its own position and the sink's.
     *
     * @throws SinkException when the target cannot be reached or is not usable (a wrong URL, a missing table):
     *     retryable when waiting may help
     */
    Map<Integer, Long> open(SinkContext context) throws SinkException;

    /**
     * The engine does not take the position {@link #open} returned for {@code partition}: it is past the end of the
     * sink's queue, so the queue was made anew (the pipeline was deleted and deployed again), and delivery starts at
     * {@code position}. A sink that keeps positions stores this one, so that it does not skip the new records.
     */
    default void restart(int partition, long position) throws SinkException {
    }

    /**
     * Delivers one batch, all or nothing for a transactional sink. Records that failed are named in the exception
     * ({@link SinkException#failed()}); the others count as delivered.
     */
    void write(SinkBatch batch) throws SinkException;

    @Override
    void close();
}
