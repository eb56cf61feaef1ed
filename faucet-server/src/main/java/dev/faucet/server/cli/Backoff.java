package dev.faucet.server.cli;

import java.time.Duration;

/**
 * How often and how long the CLI waits before sending a request again: the server's {@code Retry-After} (in seconds,
 * at most {@code maxRetryAfter}) when it gives one, otherwise {@code initial} doubling up to {@code max}.
 *
 * @param maxRetries    retries after the first attempt
 * @param initial       the wait before the first retry without Retry-After
 * @param max           the longest wait without Retry-After
 * @param maxRetryAfter the longest wait a Retry-After can ask for
 */
record Backoff(int maxRetries, Duration initial, Duration max, Duration maxRetryAfter) {
    static final Backoff DEFAULT = new Backoff(10, Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(30));

    /** The wait before retry {@code retry} (0 for the first), given the answer's Retry-After header or null. */
    Duration delay(int retry, String retryAfter) {
        if (retryAfter != null) {
            try {
                long seconds = Long.parseLong(retryAfter.strip());
                if (seconds >= 0) {
                    Duration asked = Duration.ofSeconds(seconds);
                    return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
                }
            } catch (NumberFormatException httpDate) {
                // An HTTP date (or nonsense): fall back to our own backoff.
            }
        }
        Duration d = initial.multipliedBy(1L << Math.min(retry, 20));
        return d.compareTo(max) > 0 ? max : d;
    }
}
