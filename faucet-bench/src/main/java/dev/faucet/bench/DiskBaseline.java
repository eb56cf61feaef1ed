package dev.faucet.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.zip.CRC32C;
import org.HdrHistogram.Histogram;

/**
 * The machine's own limits, measured in the same run as the log so that every log figure has a ratio: fsync latency
 * and rate for 4 KiB appends each followed by {@code force}, sequential write MB/s (1 GiB in 1 MiB writes, one
 * {@code force} at the end), the group-commit pattern without the log (one thread writing 1 MiB and forcing, again
 * and again), the log's commit over 8 partitions ({@link CommitPattern}) with serial and with parallel fsyncs, and
 * CRC-32C MB/s on one core ({@link CRC32C}, which the log uses).
 */
final class DiskBaseline {
    private static final int FSYNC_WRITE = 4096;
    private static final int SEQ_WRITE = 1 << 20;
    private static final long SEQ_TOTAL = 1L << 30;
    private static final int CRC_BUFFER = 64 * 1024;
    /** Bytes per partition of the commit pattern: what the log writes per partition at 16 threads, window 2. */
    private static final int COMMIT_FILE_BYTES = 46_000;

    private DiskBaseline() {
    }

    /** The results. Latencies in milliseconds, rates per second, MB = 10^6 bytes. */
    record Baseline(double fsyncP50Ms, double fsyncP99Ms, double fsyncsPerSecond, double seqWriteMBps,
            double groupWriteMBps, double groupWriteShare, double serialCommits8, double parallelCommits8,
            double crcMBps) {
        void print() {
            System.out.printf("%nMachine baseline (same run)%n");
            System.out.printf("  fsync of a 4 KiB append:  p50 %.3f ms, p99 %.3f ms, %.0f fsyncs/s (one thread)%n",
                    fsyncP50Ms, fsyncP99Ms, fsyncsPerSecond);
            System.out.printf("  sequential write:         %.0f MB/s (1 GiB in 1 MiB writes, one force at the end)%n",
                    seqWriteMBps);
            System.out.printf("  1 MiB write + force loop: %.0f MB/s (one thread; %.0f%% of its time in write, the"
                    + " rest in force)%n", groupWriteMBps, groupWriteShare * 100);
            System.out.printf("  commit over 8 files:      %.0f commits/s, fsyncs one after the other; %.0f, in"
                    + " parallel (8 x %d KB + journal)%n", serialCommits8, parallelCommits8, COMMIT_FILE_BYTES / 1000);
            System.out.printf("  CRC-32C on one core:      %.0f MB/s (64 KiB buffers)%n", crcMBps);
        }
    }

    static Baseline measure(Path dir, double fsyncSeconds) throws IOException {
        Histogram h = new Histogram(3);
        double fsyncRate = fsync(dir.resolve("fsync.bin"), fsyncSeconds, h);
        double seq = sequentialWrite(dir.resolve("seq.bin"));
        double[] group = writeAndForce(dir.resolve("group.bin"), fsyncSeconds);
        Path commits = Files.createDirectories(dir.resolve("commits"));
        double serial = CommitPattern.commitsPerSecond(commits, 8, COMMIT_FILE_BYTES, false, fsyncSeconds / 2);
        double parallel = CommitPattern.commitsPerSecond(commits, 8, COMMIT_FILE_BYTES, true, fsyncSeconds / 2);
        double crc = crc32c(Math.min(2.0, fsyncSeconds));
        return new Baseline(h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, fsyncRate, seq,
                group[0], group[1], serial, parallel, crc);
    }

    /** Appends 4 KiB and forces, again and again; returns fsyncs per second and fills {@code latency} (ns). */
    static double fsync(Path file, double seconds, Histogram latency) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(FSYNC_WRITE);
        buf.put(randomBytes(FSYNC_WRITE));
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long now = start;
            while (now < end) {
                buf.clear();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
                long after = System.nanoTime();
                latency.recordValue(after - now);
                now = after;
                n++;
            }
            return n / ((now - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Writes 1 GiB in 1 MiB writes and forces once; returns MB/s. */
    static double sequentialWrite(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(SEQ_WRITE);
        buf.put(randomBytes(SEQ_WRITE));
        long start = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < SEQ_TOTAL; written += SEQ_WRITE) {
                buf.clear();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(false);
            return SEQ_TOTAL / 1e6 / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The log's group commit without the log: one thread writes 1 MiB (one call) and forces, again and again.
     * Returns MB/s and the share of the time spent in write (copying into the page cache) rather than in force.
     */
    static double[] writeAndForce(Path file, double seconds) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(SEQ_WRITE);
        buf.put(randomBytes(SEQ_WRITE));
        long bytes = 0;
        long writeNanos = 0;
        long start = System.nanoTime();
        long now = start;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (now - start < seconds * 1e9) {
                buf.clear();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                long written = System.nanoTime();
                writeNanos += written - now;
                ch.force(false);
                bytes += SEQ_WRITE;
                now = System.nanoTime();
            }
            return new double[] {bytes / 1e6 / ((now - start) / 1e9), writeNanos / (double) (now - start)};
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** CRC-32C of 64 KiB buffers on this thread for about {@code seconds} after a short warm-up; returns MB/s. */
    static double crc32c(double seconds) {
        byte[] data = randomBytes(CRC_BUFFER);
        CRC32C crc = new CRC32C();
        long sink = 0;
        long warmEnd = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warmEnd) {
            crc.reset();
            crc.update(data);
            sink += crc.getValue();
        }
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        while (now < end) {
            for (int i = 0; i < 64; i++) {
                crc.reset();
                crc.update(data);
                sink += crc.getValue();
            }
            n += 64;
            now = System.nanoTime();
        }
        if (sink == 42) {
            System.out.print("");
        }
        return n * (double) CRC_BUFFER / 1e6 / ((now - start) / 1e9);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
