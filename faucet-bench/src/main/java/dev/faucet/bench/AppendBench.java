package dev.faucet.bench;

import dev.faucet.log.Log;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code log-append}: durable appends (fsync always, group commit) of fixed-size records for every combination of
 * partitions, threads and batch size, each on a fresh log, warmed up and then measured. Prints one row per
 * configuration, and the medians when the matrix is repeated.
 */
final class AppendBench {
    static final String TOPIC = "bench";

    private AppendBench() {
    }

    static List<AppendResult> runMatrix(BenchOptions o, BenchDir dir, DiskBaseline.Baseline baseline)
            throws IOException, InterruptedException {
        Map<AppendConfig, List<AppendResult>> all = new LinkedHashMap<>();
        for (int rep = 1; rep <= o.repeat(); rep++) {
            System.out.printf("%nlog-append, run %d of %d: %d B records, fsync always, %d s warm-up, %d s measured%n",
                    rep, o.repeat(), o.recordBytes(), o.warmupSeconds(), o.seconds());
            AppendTable.header();
            for (int batch : o.batches()) {
                for (int partitions : o.partitions()) {
                    for (int threads : o.threads()) {
                        for (int window : o.windows()) {
                            AppendConfig c = new AppendConfig(partitions, threads, batch, window);
                            CpuMeter.awaitQuiet(o.settleSeconds());
                            AppendResult r = run(c, o, dir.fresh("append"));
                            AppendTable.row(r, baseline);
                            all.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                        }
                    }
                }
            }
        }
        List<AppendResult> medians = all.values().stream().map(AppendResult::median).toList();
        if (o.repeat() > 1) {
            System.out.printf("%nlog-append, median of %d runs%n", o.repeat());
            AppendTable.header();
            medians.forEach(r -> AppendTable.row(r, baseline));
        }
        AppendTable.ratios(medians, baseline);
        return medians;
    }

    /** Runs one configuration on a fresh log in {@code dir}, then deletes the data. */
    static AppendResult run(AppendConfig c, BenchOptions o, Path dir) throws IOException, InterruptedException {
        CountingFileSeam seam = new CountingFileSeam();
        Recorder latency = new Recorder(3);
        LongAdder[] ackedFailed = {new LongAdder(), new LongAdder()};
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        Histogram probe = new Histogram(3);
        DiskBaseline.fsync(dir.resolve("fsync-probe.bin"), 1.0, probe);
        try (Log log = Log.open(dir, cfg -> cfg.withFileSeam(seam))) {
            log.createTopic(TopicConfig.of(TOPIC, c.partitions()));
            for (int i = 0; i < c.threads(); i++) {
                List<NewRecord> batch = Appender.records(c.batch(), o.recordBytes(), i);
                Thread t = new Thread(new Appender(log, TOPIC, batch, c.window(), latency, ackedFailed, running),
                        "appender-" + i);
                threads.add(t);
                t.start();
            }
            Thread.sleep(o.warmupSeconds() * 1000L);
            latency.getIntervalHistogram();
            long acked0 = ackedFailed[0].sum();
            CountingFileSeam.Counts counts0 = seam.snapshot();
            CpuMeter.Sample cpu0 = CpuMeter.sample();
            Thread.sleep(o.seconds() * 1000L);
            CpuMeter.Sample cpu1 = CpuMeter.sample();
            Histogram h = latency.getIntervalHistogram();
            long acked = ackedFailed[0].sum() - acked0;
            CountingFileSeam.Counts counts = seam.snapshot().minus(counts0);
            double secs = (cpu1.wallNanos() - cpu0.wallNanos()) / 1e9;
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            return new AppendResult(c, acked / secs, acked * (double) o.recordBytes() / 1e6 / secs,
                    counts.appendedBytes() / 1e6 / secs, counts.allForces() / secs, counts.journalForces() / secs,
                    ms(h, 50), ms(h, 99),
                    ms(h, 99.9), h.getMaxValue() / 1e6, counts.forceNanos() / 1e9 / secs, ms(probe, 50),
                    cpu0.until(cpu1), ackedFailed[1].sum());
        } finally {
            running.set(false);
            BenchDir.deleteTree(dir);
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }
}
