package dev.faucet.engine;

/** An idempotency key that was already used, within the deduplication window, for a different request: bad input. */
public final class IdempotencyConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdempotencyConflictException(String message) {
        super(message);
    }
}
