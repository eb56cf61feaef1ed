package dev.faucet.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the CPU went between two samples: the log's writer thread and its acknowledgement thread (by thread name),
 * this process (from {@code /proc/self/stat}) and the whole machine (from {@code /proc/stat}), which shows how much
 * other work shared the cores. Values are -1 where the platform does not tell.
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
    record Usage(double writer, double acks, double process, double machine) {
    }

    record Sample(long wallNanos, long writerNanos, long acksNanos, long processTicks, long machineBusy,
            long machineTotal) {
        Usage until(Sample end) {
            double wall = (end.wallNanos - wallNanos) / 1e9;
            double machineTotalTicks = end.machineTotal - machineTotal;
            return new Usage(cores(end.writerNanos, writerNanos, wall), cores(end.acksNanos, acksNanos, wall),
                    processTicks < 0 ? -1 : (end.processTicks - processTicks) / TICKS_PER_SECOND / wall,
                    machineTotal < 0 || machineTotalTicks <= 0 ? -1
                            : (end.machineBusy - machineBusy) / machineTotalTicks);
        }

        private static double cores(long end, long start, double wallSeconds) {
            return end < 0 || start < 0 ? -1 : (end - start) / 1e9 / wallSeconds;
        }
    }

    static Sample sample() {
        long[] machine = machine();
        return new Sample(System.nanoTime(), threadCpu(WRITER), threadCpu(ACKS), processTicks(), machine[0],
                machine[1]);
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

    private static long processTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
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
