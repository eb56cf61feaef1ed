package dev.faucet.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * What a pipeline does when a step or an output fails: {@code retries} attempts after the first, with exponential
 * backoff from {@code backoff} up to {@code maxBackoff} and full jitter; then the record goes to {@code deadLetter}
 * ({@code <pipeline>.dlq} when null) or, with {@link OnFailure#FAIL}, the pipeline stops at that record.
 *
 * <p>Only failures that may pass are retried (an output that could not be written, a lookup that timed out). A record
 * that a step refuses by its nature (invalid against the schema, a CEL error, not JSON) fails the same way every
 * time, so it goes to the dead letters (or stops the pipeline) at once, with {@code attempts: 1}.
 */
public record ErrorPolicy(int retries, Duration backoff, Duration maxBackoff, String deadLetter, OnFailure onFailure) {
    public static final ErrorPolicy DEFAULTS = new ErrorPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10), null,
            OnFailure.DEAD_LETTER);

    public ErrorPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, not " + retries);
        }
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(onFailure, "onFailure");
        if (backoff.isNegative() || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("backoff must be 0 or more and maxBackoff at least backoff");
        }
    }

    /** The dead-letter topic of a pipeline under this policy. */
    public String deadLetterTopic(String pipeline) {
        return deadLetter != null ? deadLetter : pipeline + ".dlq";
    }

    /** What happens to a record that still fails after its retries. */
    public enum OnFailure { DEAD_LETTER, FAIL }
}
