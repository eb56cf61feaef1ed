package dev.faucet.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a record's event time comes from: a top-level field (RFC 3339 text or epoch milliseconds), or the record's
 * timestamp when {@code field} is null. {@code maxOutOfOrder} is how far the watermark trails the highest event time.
 */
public record EventTime(String field, Duration maxOutOfOrder) {
    public static final EventTime RECORD_TIMESTAMP = new EventTime(null, Duration.ZERO);

    public EventTime {
        Objects.requireNonNull(maxOutOfOrder, "maxOutOfOrder");
    }
}
