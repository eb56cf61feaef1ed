package dev.faucet.server;

import java.time.Duration;
import java.util.Locale;

/**
 * Backpressure per topic. A topic's backlog is what its slowest consumer group has not consumed yet: records and
 * (estimated from the partition's average record size) bytes between each group's committed offset and the end.
 * Topics without a consumer group have no backlog. Past either limit, ingest answers 429 with {@code Retry-After}
 * ({@link Policy#REJECT}), or waits up to {@code waitTimeout} for the backlog to shrink and then answers 429
 * ({@link Policy#WAIT}).
 */
public record Backlog(long maxRecords, long maxBytes, Policy policy, Duration waitTimeout, Duration retryAfter) {
    public static final Backlog DEFAULTS = new Backlog(10_000_000, 1L << 30, Policy.REJECT, Duration.ofSeconds(5),
            Duration.ofSeconds(1));

    /** What ingest does past a limit. */
    public enum Policy {
        REJECT, WAIT;

        static Policy parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("backlog.policy: '" + s + "' is not a policy; use reject or wait");
            }
        }
    }

    public Backlog {
        if (maxRecords <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("backlog.maxRecords and backlog.maxBytes must be positive");
        }
        if (waitTimeout.isNegative() || retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("backlog.waitTimeout must not be negative, backlog.retryAfter must be"
                    + " positive");
        }
    }

    /** Retry-After in whole seconds, at least 1. */
    public String retryAfterSeconds() {
        return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }
}
