package dev.faucet.log.commit;

import java.time.InstantSource;

/** The settings of the {@link LogWriter}, taken from the log's configuration. */
public record WriterSettings(InstantSource clock, long maxPendingBytes, long journalBytes,
        long maintenanceIntervalMs) {
}
