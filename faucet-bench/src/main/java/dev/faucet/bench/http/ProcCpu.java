package dev.faucet.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used by the server process, the load generator (this process) and the whole machine between two samples,
 * from {@code /proc}: it shows how the 2 cores were shared, and how much other users' work took. Values are -1
 * where the platform does not tell (not Linux, or the process is gone).
 */
final class ProcCpu {
    /** {@code USER_HZ}, the unit of {@code /proc} CPU times; 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcCpu() {
    }

    /** Cores used over an interval (1.0 = one core busy the whole time). */
    record Usage(double server, double client, double machine) {
        /** Cores used by everything else: other users, the kernel's own threads, interrupts. */
        double others() {
            return server < 0 || client < 0 || machine < 0 ? -1 : Math.max(0, machine - server - client);
        }
    }

    record Sample(long wallNanos, long serverTicks, long clientTicks, long machineBusy, long machineTotal) {
        Usage until(Sample end) {
            double wall = (end.wallNanos - wallNanos) / 1e9;
            double total = end.machineTotal - machineTotal;
            double machine = machineTotal < 0 || total <= 0 ? -1
                    : (end.machineBusy - machineBusy) / total * Runtime.getRuntime().availableProcessors();
            return new Usage(cores(serverTicks, end.serverTicks, wall), cores(clientTicks, end.clientTicks, wall),
                    machine);
        }

        private static double cores(long start, long end, double wallSeconds) {
            return start < 0 || end < 0 ? -1 : (end - start) / TICKS_PER_SECOND / wallSeconds;
        }
    }

    /** A sample of the server process {@code serverPid} ({@code -1}: unknown), this process and the machine. */
    static Sample sample(long serverPid) {
        long[] machine = machine();
        return new Sample(System.nanoTime(), serverPid < 0 ? -1 : ticks(Path.of("/proc", Long.toString(serverPid),
                "stat")), ticks(Path.of("/proc/self/stat")), machine[0], machine[1]);
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
            Sample a = sample(-1);
            Thread.sleep(1000);
            busy = a.until(sample(-1)).machine() / cores;
            if (busy >= 0 && busy < 0.25) {
                return;
            }
        }
        if (maxSeconds > 0) {
            System.out.printf("(the machine stayed busy, %.0f%% of all cores, for %d s: measuring anyway)%n",
                    busy * 100, maxSeconds);
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
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy and total ticks of all cores, from the first line of {@code /proc/stat}. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }
}
