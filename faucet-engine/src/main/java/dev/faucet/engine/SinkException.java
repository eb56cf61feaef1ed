package dev.faucet.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A sink's attempt failed. {@link #failed()} maps the index in the batch of each record that failed to its failure;
 * an empty map means the whole batch. A {@linkplain Kind#RETRYABLE retryable} failure (the target is down, slow,
 * overloaded) is tried again by the engine with backoff for as long as it lasts, behind the circuit breaker; a
 * {@linkplain Kind#REJECTED rejected} record (wrong type for a column, a 4xx answer) goes to the dead letters with
 * {@link #type()} as its {@code error.type}.
 */
public class SinkException extends Exception {
    /** Whether trying again may help. */
    public enum Kind { RETRYABLE, REJECTED }

    private static final long serialVersionUID = 1L;
    private final Kind kind;
    private final String type;
    private final transient Map<Integer, SinkException> failed;
    private final transient Duration retryAfter;

    public SinkException(Kind kind, String type, String message, Map<Integer, SinkException> failed,
            Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.type = type;
        this.failed = failed == null ? Map.of() : Map.copyOf(failed);
        this.retryAfter = retryAfter;
    }

    /** The whole batch failed, and may pass when tried again. */
    public static SinkException retryable(String type, String message, Throwable cause) {
        return new SinkException(Kind.RETRYABLE, type, message, null, null, cause);
    }

    /** The whole batch failed for good: its records are dead letters. */
    public static SinkException rejected(String type, String message, Throwable cause) {
        return new SinkException(Kind.REJECTED, type, message, null, null, cause);
    }

    /** Some records failed (index in the batch to why); the others were delivered. */
    public static SinkException partly(Map<Integer, SinkException> failed) {
        SinkException first = failed.values().iterator().next();
        Kind kind = failed.values().stream().anyMatch(f -> f.kind == Kind.RETRYABLE) ? Kind.RETRYABLE : Kind.REJECTED;
        Duration after = failed.values().stream().map(SinkException::retryAfter).filter(d -> d != null)
                .max(Duration::compareTo).orElse(null);
        return new SinkException(kind, first.type, failed.size() + " record(s) failed, first: " + first.getMessage(),
                failed, after, null);
    }

    /** The same failure, with the wait the target asked for (an HTTP {@code Retry-After}). */
    public SinkException withRetryAfter(Duration d) {
        return new SinkException(kind, type, getMessage(), failed, d, getCause());
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.RETRYABLE;
    }

    /** A stable code: the dead letter's {@code error.type} (for example {@code sink-rejected}). */
    public String type() {
        return type;
    }

    public Map<Integer, SinkException> failed() {
        return failed;
    }

    /** The indexes of the batch's failed records: all of them when the whole batch failed. */
    public List<Integer> failedIndexes(int batchSize) {
        if (failed.isEmpty()) {
            return java.util.stream.IntStream.range(0, batchSize).boxed().toList();
        }
        return failed.keySet().stream().sorted().toList();
    }

    /** The failure of the record at {@code index}: its own, or this one when the whole batch failed. */
    public SinkException of(int index) {
        return failed.getOrDefault(index, this);
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
