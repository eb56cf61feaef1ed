package dev.faucet.bench;

import dev.faucet.log.Log;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * {@code log-read}: preloads records into one partition, then reads them back in order on one thread with
 * {@link Log#read} (10,000 records a call). The baseline, measured on the same files in the same run, is a plain
 * {@link FileChannel} read of the segment files in 64 KiB chunks. Both read from the page cache (the data was just
 * written and fits in memory), so this is the log's CPU cost of reading, not the disk's.
 */
final class ReadBench {
    private static final int PRELOAD_BATCH = 1000;
    private static final int MAX_READ = 10_000;

    private ReadBench() {
    }

    record Result(long records, double recordsPerSecond, double payloadMBps, double fileMBps, double rawReadMBps) {
    }

    /** Runs {@code --repeat} times, each on a fresh log, and returns (and prints) the medians. */
    static Result repeat(BenchOptions o, BenchDir dir, DiskBaseline.Baseline baseline)
            throws IOException, InterruptedException {
        List<Result> runs = new ArrayList<>();
        for (int i = 0; i < o.repeat(); i++) {
            runs.add(run(o, dir.fresh("read"), baseline));
        }
        if (runs.size() == 1) {
            return runs.get(0);
        }
        Result m = new Result(o.records(), median(runs, Result::recordsPerSecond), median(runs, Result::payloadMBps),
                median(runs, Result::fileMBps), median(runs, Result::rawReadMBps));
        System.out.printf("%nlog-read, median of %d runs:%n", runs.size());
        print(m, baseline);
        return m;
    }

    private static double median(List<Result> runs, ToDoubleFunction<Result> f) {
        return AppendResult.median(runs.stream().mapToDouble(f).toArray());
    }

    static Result run(BenchOptions o, Path dir, DiskBaseline.Baseline baseline)
            throws IOException, InterruptedException {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of(AppendBench.TOPIC, 1));
            long t0 = System.nanoTime();
            preload(log, o.records(), o.recordBytes());
            System.out.printf("%nlog-read: preloaded %,d records of %d B in %.1f s%n", o.records(), o.recordBytes(),
                    (System.nanoTime() - t0) / 1e9);
            long fileBytes = segmentBytes(dir);
            readAll(log, Math.min(o.records(), 1_000_000));
            readAll(log, o.records());
            CpuMeter.awaitQuiet(o.settleSeconds());
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                readAll(log, o.records());
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            double raw = rawRead(dir);
            Result r = new Result(o.records(), o.records() / best, o.records() * (double) o.recordBytes() / 1e6 / best,
                    fileBytes / 1e6 / best, raw);
            print(r, baseline);
            return r;
        } finally {
            BenchDir.deleteTree(dir);
        }
    }

    private static void print(Result r, DiskBaseline.Baseline b) {
        System.out.printf("  read %,d records on one thread (best of 3 passes after 2 warm-up passes):"
                + " %,.0f records/s, %.0f MB/s payload, %.0f MB/s of segment file%n", r.records(),
                r.recordsPerSecond(), r.payloadMBps(), r.fileMBps());
        System.out.printf("  baseline: FileChannel read of the same segment files %.0f MB/s (log reads at %s of it);"
                + " CRC-32C %.0f MB/s (log reads at %s of it)%n", r.rawReadMBps(),
                AppendTable.pct(r.fileMBps() / r.rawReadMBps()), b.crcMBps(),
                AppendTable.pct(r.fileMBps() / b.crcMBps()));
    }

    /** Appends {@code count} records in batches, eight appends in flight. */
    static void preload(Log log, long count, int valueBytes) throws InterruptedException {
        List<NewRecord> batch = Appender.records(PRELOAD_BATCH, valueBytes, 1);
        Semaphore inFlight = new Semaphore(8);
        Throwable[] failure = new Throwable[1];
        for (long done = 0; done < count; done += PRELOAD_BATCH) {
            inFlight.acquire();
            List<NewRecord> b = count - done >= PRELOAD_BATCH ? batch : batch.subList(0, (int) (count - done));
            log.append(AppendBench.TOPIC, b).whenComplete((r, e) -> {
                failure[0] = e != null ? e : failure[0];
                inFlight.release();
            });
        }
        inFlight.acquire(8);
        if (failure[0] != null) {
            throw new IllegalStateException("preloading failed", failure[0]);
        }
    }

    /** Reads partition 0 from offset 0 until {@code count} records were read. */
    static long readAll(Log log, long count) {
        long offset = 0;
        long sum = 0;
        while (offset < count) {
            List<LogRecord> batch = log.read(AppendBench.TOPIC, 0, offset, MAX_READ);
            if (batch.isEmpty()) {
                throw new IllegalStateException("read ended at offset " + offset + " of " + count);
            }
            sum += batch.get(batch.size() - 1).value().length;
            offset = batch.get(batch.size() - 1).offset() + 1;
        }
        return sum;
    }

    private static long segmentBytes(Path dir) throws IOException {
        long n = 0;
        for (Path p : segments(dir)) {
            n += Files.size(p);
        }
        return n;
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("topics").resolve(AppendBench.TOPIC))) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    /** Reads the segment files in 64 KiB chunks with a FileChannel (best of 3); returns MB/s. */
    static double rawRead(Path dir) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        double best = Double.MAX_VALUE;
        long total = 0;
        for (int pass = 0; pass < 4; pass++) {
            long start = System.nanoTime();
            total = 0;
            for (Path p : segments(dir)) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    long pos = 0;
                    int n;
                    while ((n = ch.read(buf.clear(), pos)) > 0) {
                        pos += n;
                    }
                    total += pos;
                }
            }
            best = pass == 0 ? best : Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return total / 1e6 / best;
    }
}
