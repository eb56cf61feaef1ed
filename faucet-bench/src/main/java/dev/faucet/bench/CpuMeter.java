package dev.faucet.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the CPU went between two samples: the log's writer thread and its acknowledgement thread (by thread name),
 * this process (from {@code /proc/self/stat}), the kernel's own threads (writeback, the file system journal, block
 * I/O: the children of {@code kthreadd}) and the whole machine (from {@code /proc/stat}), which shows how much other
 * work shared the cores. Values are -1 where the platform does not tell.
 */
final class CpuMeter {
    static final String WRITER = "faucet-log-writer";
    static final String ACKS = "faucet-log-acks";
    /** {@code USER_HZ}, the unit of {@code /proc} CPU times; 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuMeter() {
    }

    /** CPU used over an interval, in cores (1.0 = one core busy the whole time); machine in fraction of all. */
    record Usage(double writer, double acks, double process, double kernelThreads, double machine) {
        /** Cores used by everything else: other users' processes, interrupts. */
        double others() {
            if (machine < 0 || process < 0 || kernelThreads < 0) {
                return -1;
            }
            return Math.max(0, machine * Runtime.getRuntime().availableProcessors() - process - kernelThreads);
        }
    }

    record Sample(long wallNanos, long writerNanos, long acksNanos, long processTicks, long kernelTicks,
            long machineBusy, long machineTotal) {
        Usage until(Sample end) {
            double wall = (end.wallNanos - wallNanos) / 1e9;
            double machineTotalTicks = end.machineTotal - machineTotal;
            return new Usage(cores(end.writerNanos, writerNanos, wall), cores(end.acksNanos, acksNanos, wall),
                    ticks(end.processTicks, processTicks, wall), ticks(end.kernelTicks, kernelTicks, wall),
                    machineTotal < 0 || machineTotalTicks <= 0 ? -1
                            : (end.machineBusy - machineBusy) / machineTotalTicks);
        }

        private static double ticks(long end, long start, double wallSeconds) {
            return end < 0 || start < 0 ? -1 : (end - start) / TICKS_PER_SECOND / wallSeconds;
        }

        private static double cores(long end, long start, double wallSeconds) {
            return end < 0 || start < 0 ? -1 : (end - start) / 1e9 / wallSeconds;
        }
    }

    static Sample sample() {
        long[] machine = machine();
        return new Sample(System.nanoTime(), threadCpu(WRITER), threadCpu(ACKS), ticks(Path.of("/proc/self/stat")),
                kernelThreadTicks(), machine[0], machine[1]);
    }

    /**
     * Waits up to {@code maxSeconds} until the machine is quiet (under a quarter of all cores busy over one second),
     * so that other users' work disturbs the next measurement less. Says so when it gives up.
     */
    static void awaitQuiet(int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        double busy = -1;
        while (System.nanoTime() < deadline) {
            Sample a = sample();
            Thread.sleep(1000);
            busy = a.until(sample()).machine();
            if (busy >= 0 && busy < 0.25) {
                return;
            }
        }
        if (maxSeconds > 0) {
            System.out.printf("  (the machine stayed busy, %.0f%% of all cores, for %d s: measuring anyway)%n",
                    busy * 100, maxSeconds);
        }
    }

    /** CPU nanoseconds of the live thread with this name, or -1. */
    static long threadCpu(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && THREADS.isThreadCpuTimeSupported()) {
                return THREADS.getThreadCpuTime(t.threadId());
            }
        }
        return -1;
    }

    /** User and system ticks of the process whose {@code stat} file this is. */
    private static long ticks(Path stat) {
        try {
            return Long.parseLong(statField(stat, 14)) + Long.parseLong(statField(stat, 15));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Field {@code n} (1-based, as in proc(5)) of a {@code /proc/PID/stat} file. */
    private static String statField(Path stat, int n) throws IOException {
        String s = Files.readString(stat);
        return s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+")[n - 3];
    }

    /** Ticks of every kernel thread: {@code kthreadd} (pid 2) and its children. */
    private static long kernelThreadTicks() {
        long total = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    Path stat = p.resolve("stat");
                    if (p.getFileName().toString().equals("2") || statField(stat, 4).equals("2")) {
                        total += Math.max(0, ticks(stat));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy and total ticks of all cores. */
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
