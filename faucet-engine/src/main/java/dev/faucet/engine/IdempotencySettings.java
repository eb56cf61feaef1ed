package dev.faucet.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how many publish idempotency keys are remembered: a key is forgotten after {@code window} or when
 * {@code maxKeys} newer keys have been used, whichever comes first. Memory is about 200 bytes per key, plus 12 bytes
 * per partition a request wrote to, plus 4 bytes per record for requests spread over several partitions (keyed).
 */
public record IdempotencySettings(Duration window, int maxKeys) {
    public static final IdempotencySettings DEFAULTS = new IdempotencySettings(Duration.ofHours(1), 100_000);

    public IdempotencySettings {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("idempotency window must be positive; got " + window);
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("idempotency maxKeys must be at least 1; got " + maxKeys);
        }
    }
}
