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
        String fmt = "%-28s %9s %6s %6s %8s %8s %9s %9s %9s %8s %6s %6s %6s %7s %6s %6s%n";
        System.out.printf("%nlog-append against the machine baseline (disk: %.0f MB/s sequential, %.0f MB/s as 1 MiB"
                + " write + force, %.0f fsyncs/s, fsync p99 %.2f ms; CRC-32C %.0f MB/s on one core)%n",
                b.seqWriteMBps(), b.groupWriteMBps(), b.fsyncsPerSecond(), b.fsyncP99Ms(), b.crcMBps());
        System.out.printf(fmt, "config", "commits/s", "fs/cmt", "KB/cmt", "disk/seq", "disk/w+f", "fsync/max",
                "fsyncBusy", "p99/fsync", "fsyncNow", "MB/crc", "writer", "acks", "process", "kernel", "others");
        for (AppendResult r : results) {
            double commits = r.commitsPerSecond();
            System.out.printf(fmt, r.config().name(), String.format("%,.0f", commits),
                    String.format("%.1f", r.fsyncsPerSecond() / commits),
                    String.format("%.0f", r.diskMBps() * 1000 / commits), pct(r.diskMBps() / b.seqWriteMBps()),
                    pct(r.diskMBps() / b.groupWriteMBps()), pct(r.fsyncsPerSecond() / b.fsyncsPerSecond()),
                    pct(r.fsyncBusy()),
                    String.format("%.1f×", r.p99Ms() / b.fsyncP99Ms()),
                    String.format("%.2f", r.fsyncNowMs()), pct(r.payloadMBps() / b.crcMBps()),
                    cores(r.cpu().writer()), cores(r.cpu().acks()), cores(r.cpu().process()),
                    cores(r.cpu().kernelThreads()), cores(r.cpu().others()));
        }
        System.out.println("  fs/cmt: fsyncs per group commit; KB/cmt: bytes written per commit; disk/seq and"
                + " disk/w+f: disk MB/s ÷ the two write baselines;");
        System.out.println("  fsync/max: fsyncs/s ÷ baseline fsyncs/s; fsyncBusy: share of wall time in fsync;"
                + " p99/fsync: p99 ÷ baseline fsync p99;");
        System.out.println("  fsyncNow: p50 ms of a 4 KiB append + fsync probed for 1 s just before the configuration"
                + " (the disk is shared); MB/crc: payload MB/s ÷ CRC-32C MB/s;");
        System.out.println("  writer, acks, process: CPU in cores (of " + Runtime.getRuntime().availableProcessors()
                + "); kernel: kernel threads (writeback, ext4 journal, block I/O); others: other users' processes");
    }

    static String pct(double fraction) {
        return fraction < 0 || Double.isNaN(fraction) ? "n/a" : String.format("%.1f%%", fraction * 100);
    }

    static String cores(double cores) {
        return cores < 0 || Double.isNaN(cores) ? "n/a" : String.format("%.2f", cores);
    }
}
