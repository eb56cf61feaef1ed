package dev.faucet.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU used between two samples by the server process, the load generator (this process), the kernel on behalf of
 * everyone (its own threads, such as writeback and the file system journal, plus interrupt and softirq time, where
 * loopback TCP is partly processed) and the whole machine, from {@code /proc}. What is left is other users' work on
 * the shared cores. Values are -1 where the platform does not tell (not Linux, or the process is gone).
 */
final class ProcCpu {
    /** {@code USER_HZ}, the unit of {@code /proc} CPU times; 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcCpu() {
    }

    /** Cores used over an interval (1.0 = one core busy the whole time). */
    record Usage(double server, double client, double kernel, double machine) {
        /** Cores used by everything else: other users' processes. */
        double others() {
            return server < 0 || client < 0 || kernel < 0 || machine < 0 ? -1
                    : Math.max(0, machine - server - client - kernel);
        }
    }

    record Sample(long wallNanos, long serverTicks, long clientTicks, long kernelTicks, long[] machine) {
        Usage until(Sample end) {
            double wall = (end.wallNanos - wallNanos) / 1e9;
            double total = end.machine[2] - machine[2];
            int cores = Runtime.getRuntime().availableProcessors();
            boolean known = machine[2] >= 0 && end.machine[2] >= 0 && total > 0;
            double busy = known ? (end.machine[0] - machine[0]) / total * cores : -1;
            double interrupts = known ? (end.machine[1] - machine[1]) / total * cores : -1;
            // a kernel thread that exits between the samples takes its ticks with it: the sum may even shrink
            double threads = kernelTicks < 0 || end.kernelTicks < 0 ? -1
                    : Math.max(0, cores(kernelTicks, end.kernelTicks, wall));
            return new Usage(cores(serverTicks, end.serverTicks, wall), cores(clientTicks, end.clientTicks, wall),
                    threads < 0 || interrupts < 0 ? -1 : threads + interrupts, busy);
        }

        private static double cores(long start, long end, double wallSeconds) {
            return start < 0 || end < 0 ? -1 : (end - start) / TICKS_PER_SECOND / wallSeconds;
        }
    }

    /** A sample of the server process {@code serverPid} ({@code -1}: unknown), this process and the machine. */
    static Sample sample(long serverPid) {
        return new Sample(System.nanoTime(), serverPid < 0 ? -1 : ticks(Path.of("/proc", Long.toString(serverPid),
                "stat")), ticks(Path.of("/proc/self/stat")), kernelThreadTicks(), machine());
    }

    /**
     * Waits up to {@code maxSeconds} until the machine is quiet (under a quarter of all cores busy over one second),
     * so that other users' work disturbs the next measurement less. Says so when it gives up.
     */
    static void awaitQuiet(int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        double busy = -1;
        int cores = Runtime.getRuntime().availableProcessors();
        while (System.nanoTime() < deadline) {
            long[] a = machine();
            Thread.sleep(1000);
            long[] b = machine();
            busy = a[2] < 0 || b[2] <= a[2] ? -1 : (double) (b[0] - a[0]) / (b[2] - a[2]);
            if (busy >= 0 && busy < 0.25) {
                return;
            }
        }
        if (maxSeconds > 0) {
            System.out.printf("(the machine stayed busy, %.0f%% of %d cores, for %d s: measuring anyway)%n",
                    busy * 100, cores, maxSeconds);
        }
    }

    /** The 1, 5 and 15 minute load averages, or {@code n/a}. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** User and system ticks of the process whose {@code stat} file this is: fields 14 and 15 of proc(5). */
    private static long ticks(Path stat) {
        try {
            String[] f = statFields(stat);
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The fields of a {@code /proc/PID/stat} file from field 3 on (the name may hold spaces). */
    private static String[] statFields(Path stat) throws IOException {
        String s = Files.readString(stat);
        return s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
    }

    /** Ticks of every kernel thread: {@code kthreadd} (pid 2) and its children; a scan that fails is retried. */
    private static long kernelThreadTicks() {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                long total = 0;
                for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    total += kernelThreadTicks(p);
                }
                return total;
            } catch (IOException | RuntimeException e) {
                // a process ended while /proc was listed: scan again
            }
        }
        return -1;
    }

    private static long kernelThreadTicks(Path proc) {
        try {
            String[] f = statFields(proc.resolve("stat"));
            boolean kernel = proc.getFileName().toString().equals("2") || f[1].equals("2");
            return kernel ? Long.parseLong(f[11]) + Long.parseLong(f[12]) : 0;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** Busy, interrupt (irq and softirq) and total ticks of all cores, from the first line of {@code /proc/stat}. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, Long.parseLong(f[6]) + Long.parseLong(f[7]), total};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1, -1};
        }
    }
}
