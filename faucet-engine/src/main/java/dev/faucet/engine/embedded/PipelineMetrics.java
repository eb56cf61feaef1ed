package dev.faucet.engine.embedded;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A pipeline's counters and its end-to-end latency (record timestamp to committed output), for the status API and
 * for Micrometer ({@code faucet.pipeline.*}, Prometheus {@code faucet_pipeline_*}). Registered on start, removed on
 * stop, so a deleted pipeline leaves no series behind.
 */
final class PipelineMetrics {
    final LongAdder in = new LongAdder();
    final LongAdder out = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final StepMetrics[] steps;
    private final Timer latency;
    private final MeterRegistry registry;
    private final String name;
    private final List<Meter> meters = new ArrayList<>();

    PipelineMetrics(Pipeline p, MeterRegistry registry) {
        this.registry = registry;
        this.name = p.name();
        steps = new StepMetrics[p.steps().size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = new StepMetrics();
        }
        Tags tags = Tags.of("pipeline", name);
        meters.add(FunctionCounter.builder("faucet.pipeline.records.in", in, LongAdder::sum).tags(tags)
                .description("Records a pipeline read from its inputs").register(registry));
        meters.add(FunctionCounter.builder("faucet.pipeline.records.out", out, LongAdder::sum).tags(tags)
                .description("Records a pipeline wrote to its outputs (committed)").register(registry));
        meters.add(FunctionCounter.builder("faucet.pipeline.dead.letters", deadLettered, LongAdder::sum).tags(tags)
                .description("Records a pipeline sent to its dead-letter topic").register(registry));
        latency = Timer.builder("faucet.pipeline.latency").tags(tags)
                .description("End-to-end latency: a record's timestamp (ingest time) to its pipeline's commit")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99, 0.999)
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        meters.add(latency);
        for (int i = 0; i < steps.length; i++) {
            StepMetrics m = steps[i];
            Tags st = tags.and("step", Pipeline.stepId(i, p.steps().get(i)));
            meters.add(FunctionCounter.builder("faucet.pipeline.step.records.in", m.in, LongAdder::sum).tags(st)
                    .register(registry));
            meters.add(FunctionCounter.builder("faucet.pipeline.step.records.out", m.out, LongAdder::sum).tags(st)
                    .register(registry));
            meters.add(FunctionCounter.builder("faucet.pipeline.step.records.failed", m.failed, LongAdder::sum)
                    .tags(st).register(registry));
            meters.add(FunctionCounter.builder("faucet.pipeline.step.retries", m.retries, LongAdder::sum).tags(st)
                    .register(registry));
            meters.add(FunctionCounter.builder("faucet.pipeline.step.processing.seconds", m.nanos,
                    a -> a.sum() / 1e9).tags(st).register(registry));
        }
    }

    /** Gauges of one input partition's lag, in records and in seconds (the age of the oldest unprocessed record). */
    void lag(String topic, int partition, Supplier<PipelineStatus.PartitionLag> lag) {
        Tags tags = Tags.of("pipeline", name, "topic", topic, "partition", Integer.toString(partition));
        synchronized (meters) {
            meters.add(io.micrometer.core.instrument.Gauge.builder("faucet.pipeline.lag.records", lag,
                    l -> l.get().lagRecords()).tags(tags).strongReference(true)
                    .description("Records of an input partition the pipeline has not committed yet")
                    .register(registry));
            meters.add(io.micrometer.core.instrument.Gauge.builder("faucet.pipeline.lag.seconds", lag,
                    l -> l.get().lagSeconds()).tags(tags).strongReference(true).baseUnit("seconds")
                    .description("Age of the oldest record of an input partition not processed yet")
                    .register(registry));
        }
    }

    StepMetrics step(int index) {
        return steps[index];
    }

    void dropped(String reason) {
        dropped.computeIfAbsent(reason, r -> {
            LongAdder a = new LongAdder();
            synchronized (meters) {
                meters.add(FunctionCounter.builder("faucet.pipeline.records.dropped", a, LongAdder::sum)
                        .tags("pipeline", name, "reason", r).description("Records a pipeline took out on purpose,"
                                + " by reason").register(registry));
            }
            return a;
        }).increment();
    }

    void latency(long[] timestampsMs, long nowMs) {
        for (long t : timestampsMs) {
            latency.record(Math.max(0, nowMs - t), TimeUnit.MILLISECONDS);
        }
    }

    dev.faucet.engine.PipelineStatus.Latency latency() {
        HistogramSnapshot s = latency.takeSnapshot();
        double p50 = 0;
        double p99 = 0;
        double p999 = 0;
        for (ValueAtPercentile v : s.percentileValues()) {
            double ms = v.value(TimeUnit.MILLISECONDS);
            if (v.percentile() == 0.5) {
                p50 = ms;
            } else if (v.percentile() == 0.99) {
                p99 = ms;
            } else if (v.percentile() == 0.999) {
                p999 = ms;
            }
        }
        return new dev.faucet.engine.PipelineStatus.Latency(s.count(), p50, p99, p999, s.max(TimeUnit.MILLISECONDS));
    }

    List<dev.faucet.engine.PipelineStatus.StepStats> stepStats(Pipeline p) {
        List<dev.faucet.engine.PipelineStatus.StepStats> list = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            StepMetrics m = steps[i];
            long n = m.in.sum();
            list.add(new dev.faucet.engine.PipelineStatus.StepStats(Pipeline.stepId(i, p.steps().get(i)),
                    p.steps().get(i).kind(), n, m.out.sum(), m.failed.sum(), m.retries.sum(), m.droppedCounts(),
                    n == 0 ? 0 : m.nanos.sum() / 1000.0 / n));
        }
        return list;
    }

    void close() {
        synchronized (meters) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }
}
