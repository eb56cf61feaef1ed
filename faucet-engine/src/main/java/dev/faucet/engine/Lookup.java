package dev.faucet.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reference data looked up by key for an {@code enrich} step ({@code from: { jdbc: … }}). A connector implements one
 * lookup; the engine puts its cache in front (size, time to live, refresh ahead of expiry, missing keys remembered
 * too), counts hits and misses, and retries or dead-letters a failed lookup as the pipeline's error policy says.
 * Called from several tasks at once: an implementation is thread-safe.
 */
public interface Lookup extends AutoCloseable {

    /** The row for {@code key} as a JSON object, or null when there is none. */
    JsonNode get(String key) throws LookupException;

    @Override
    void close();

    /** A lookup that failed; {@code retryable} when trying again may help (the database unreachable). */
    class LookupException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        public LookupException(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
