package dev.faucet.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Records from outside Faucet (a topic of an external Kafka cluster) copied into a Faucet topic. A connector
 * implements reading and nothing else; the engine appends what it reads together with the source's positions in one
 * atomic log commit, so each record lands in the topic exactly once across crashes, and re-opens the source with
 * backoff after a failure. One source instance is used by one thread.
 */
public interface Source extends AutoCloseable {

    /**
     * Connects and starts reading each source partition at its stored position (the next offset to read); a
     * partition without one starts where the settings say (for Kafka: {@code from: earliest|latest}).
     */
    void open(SourceContext context, Map<Integer, Long> positions) throws SourceException;

    /** The next records (what one read brings), waiting at most {@code timeout}; empty when none came. */
    List<SourceRecord> poll(Duration timeout) throws SourceException;

    @Override
    void close();

    /** Where a source copies to, and its settings. */
    record SourceContext(String name, String topic, ConnectorConfig config) {
    }

    /** One record read, with its place in the source ({@code partition}, {@code offset}). */
    record SourceRecord(int partition, long offset, byte[] key, byte[] value, Map<String, String> headers,
            long timestampMs) {
    }

    /** Reading failed; {@code retryable} when trying again may help (the cluster unreachable). */
    class SourceException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        public SourceException(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
