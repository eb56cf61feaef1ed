package dev.faucet.engine.embedded;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One sink's counters over its partitions ({@code faucet.sink.*}, tagged pipeline and sink): records delivered,
 * failed attempts, retries, dead letters, breaker openings, and the time of a write. Removed with the pipeline.
 */
final class SinkMetrics {
    final LongAdder delivered = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder breakerOpenings = new LongAdder();
    private final Timer writes;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    SinkMetrics(String pipeline, String sink, String type, MeterRegistry registry) {
        this.registry = registry;
        Tags tags = Tags.of("pipeline", pipeline, "sink", sink, "type", type);
        counter("faucet.sink.records.delivered", delivered, tags, "Records a sink delivered");
        counter("faucet.sink.attempts.failed", failedAttempts, tags, "Attempts of a sink that failed (some or all"
                + " records)");
        counter("faucet.sink.retries", retries, tags, "Attempts a sink made again after a retryable failure");
        counter("faucet.sink.dead.letters", deadLettered, tags, "Records a sink's target rejected, sent to dead"
                + " letters");
        counter("faucet.sink.breaker.openings", breakerOpenings, tags, "Times a sink's circuit breaker opened (or"
                + " stayed open after a failed probe)");
        writes = Timer.builder("faucet.sink.write").tags(tags).description("Time of one write (batch) to a sink,"
                + " successful or not").publishPercentiles(0.5, 0.99).minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
        meters.add(writes);
    }

    private void counter(String name, LongAdder a, Tags tags, String description) {
        meters.add(FunctionCounter.builder(name, a, LongAdder::sum).tags(tags).description(description)
                .register(registry));
    }

    void written(int records, long nanos) {
        delivered.add(records);
        writes.record(nanos, TimeUnit.NANOSECONDS);
    }

    void delivered(int records) {
        delivered.add(records);
    }

    void failedAttempt(long nanos) {
        failedAttempts.increment();
        writes.record(nanos, TimeUnit.NANOSECONDS);
    }

    void breakerOpened() {
        breakerOpenings.increment();
    }

    void close() {
        meters.forEach(registry::remove);
    }
}
