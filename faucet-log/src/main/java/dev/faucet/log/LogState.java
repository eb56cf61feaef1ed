package dev.faucet.log;

/**
 * The life of a {@link Log}: it is {@code OPEN} once recovery has finished, {@code FAILED} after an I/O error that
 * may have lost acknowledged data (a failed fsync, a full disk mid-write) and {@code CLOSED} after {@link Log#close()}.
 * A failed log acknowledges nothing more; reopening it runs recovery from the last verified position.
 */
public enum LogState {
    OPEN,
    FAILED,
    CLOSED
}
