package dev.faucet.bench;

import java.util.List;

/** Compares the figures of a run with the log's targets and says plainly which are met. */
final class Targets {
    static final double APPENDS_PER_SECOND = 1_000_000;
    static final double P99_MS = 5;
    static final double READS_PER_SECOND = 3_000_000;
    static final double RECOVERY_MS = 1000;

    private Targets() {
    }

    static void print(List<AppendResult> appends, ReadBench.Result read, RecoveryBench.Result recovery) {
        if (appends.isEmpty() && read == null && recovery == null) {
            return;
        }
        System.out.printf("%nTargets%n");
        for (AppendResult r : appends) {
            if (r.config().threads() >= 16 && r.config().batch() > 1) {
                System.out.printf("  %-10s %s: %,.0f durable appends/s (target %,.0f) with p99 %.2f ms (target <= %.0f"
                        + " ms)%n", verdict(r.recordsPerSecond() >= APPENDS_PER_SECOND && r.p99Ms() <= P99_MS),
                        r.config().name(), r.recordsPerSecond(), APPENDS_PER_SECOND, r.p99Ms(), P99_MS);
            }
        }
        if (read != null) {
            System.out.printf("  %-10s sequential read: %,.0f records/s (target %,.0f)%n",
                    verdict(read.recordsPerSecond() >= READS_PER_SECOND), read.recordsPerSecond(), READS_PER_SECOND);
        }
        if (recovery != null) {
            System.out.printf("  %-10s recovery of a %.1f GB log after kill -9: %.0f ms (target < %.0f ms)%n",
                    verdict(recovery.killOpenMs() < RECOVERY_MS), recovery.logBytes() / 1e9, recovery.killOpenMs(),
                    RECOVERY_MS);
        }
    }

    private static String verdict(boolean met) {
        return met ? "MET" : "NOT MET";
    }
}
