package dev.faucet.bench;

import java.util.List;

/** Prints {@link AppendResult}s as table rows, and their ratios to the machine baseline. */
final class AppendTable {
    private static final String ROW = "%-28s %10s %7s %8s %9s %7s %7s %8s %8s %8s %6s%n";

    private AppendTable() {
    }

    static void header() {
        System.out.printf(ROW, "config", "records/s", "MB/s", "fsyncs/s", "rec/fsync", "p50 ms", "p99 ms",
                "p99.9 ms", "max ms", "diskMB/s", "×seq");
    }

    static void row(AppendResult r, DiskBaseline.Baseline b) {
        System.out.printf(ROW, r.config().name(), String.format("%,.0f", r.recordsPerSecond()),
                String.format("%.1f", r.payloadMBps()), String.format("%,.0f", r.fsyncsPerSecond()),
                String.format("%.1f", r.recordsPerFsync()), String.format("%.2f", r.p50Ms()),
                String.format("%.2f", r.p99Ms()), String.format("%.2f", r.p999Ms()),
                String.format("%.1f", r.maxMs()), String.format("%.1f", r.diskMBps()),
                String.format("%.3f", r.diskMBps() / b.seqWriteMBps()));
        if (r.failed() > 0) {
            System.out.printf("  !! %d appends failed%n", r.failed());
        }
    }

    /** Ratios to the machine's limits, and where the CPU went. */
    static void ratios(List<AppendResult> results, DiskBaseline.Baseline b) {
        String fmt = "%-28s %9s %9s %9s %9s %9s %7s %7s %8s %8s %7s%n";
        System.out.printf("%nlog-append against the machine baseline (disk: %.0f MB/s sequential, %.0f fsyncs/s,"
                + " fsync p99 %.2f ms; CRC-32C %.0f MB/s on one core)%n", b.seqWriteMBps(), b.fsyncsPerSecond(),
                b.fsyncP99Ms(), b.crcMBps());
        System.out.printf(fmt, "config", "disk/seq", "fsync/max", "fsyncBusy", "p99/fsync", "MB/s/crc", "writer",
                "acks", "process", "machine", "others");
        for (AppendResult r : results) {
            System.out.printf(fmt, r.config().name(), pct(r.diskMBps() / b.seqWriteMBps()),
                    pct(r.fsyncsPerSecond() / b.fsyncsPerSecond()), pct(r.fsyncBusy()),
                    String.format("%.1f×", r.p99Ms() / b.fsyncP99Ms()), pct(r.payloadMBps() / b.crcMBps()),
                    cores(r.cpu().writer()), cores(r.cpu().acks()), cores(r.cpu().process()),
                    pct(r.cpu().machine()), cores(others(r.cpu())));
        }
        System.out.println("  disk/seq: disk MB/s ÷ sequential write MB/s; fsync/max: fsyncs/s ÷ baseline fsyncs/s;"
                + " fsyncBusy: share of wall time in fsync;");
        System.out.println("  writer, acks, process: CPU in cores; machine: busy share of all cores; others: cores"
                + " used by everything else (other users, kernel threads)");
    }

    /** Cores the rest of the machine used meanwhile: other users, kernel threads (writeback, journal). */
    static double others(CpuMeter.Usage u) {
        if (u.machine() < 0 || u.process() < 0) {
            return -1;
        }
        return Math.max(0, u.machine() * Runtime.getRuntime().availableProcessors() - u.process());
    }

    static String pct(double fraction) {
        return fraction < 0 || Double.isNaN(fraction) ? "n/a" : String.format("%.1f%%", fraction * 100);
    }

    static String cores(double cores) {
        return cores < 0 || Double.isNaN(cores) ? "n/a" : String.format("%.2f", cores);
    }
}
