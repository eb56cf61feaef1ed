package dev.faucet.engine;

import dev.faucet.log.RecordPosition;
import java.util.List;

/**
 * Where a publish request's records are, in request order.
 *
 * @param replayed true when this answers a retry with an idempotency key: nothing was written this time
 */
public record Published(List<RecordPosition> positions, boolean replayed) {
    public Published {
        positions = List.copyOf(positions);
    }
}
