package dev.faucet.server;

import dev.faucet.engine.PipelineRuntime;
import dev.faucet.log.TopicInfo;
import dev.faucet.server.ingest.Admission;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's Micrometer registry, scraped as Prometheus text at {@code /metrics}: per topic
 * {@code faucet_topic_records_appended_total} and {@code faucet_topic_bytes_appended_total}; publish requests by
 * status ({@code faucet_publish_requests_total}); the publish acknowledgement latency histogram
 * ({@code faucet_publish_ack_seconds}); the backlog per topic and group ({@code faucet_topic_backlog_records}); ingest
 * refusals by reason ({@code faucet_ingest_refusals_total}); bytes in flight; JVM and process metrics; and what the
 * runtime registers in the same registry: per pipeline and step {@code faucet_pipeline_*}.
 *
 * <p>Thread-safe. Meters are cached per tag value so the hot path does a map lookup, not a registry lookup.
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter[]> appended = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> backlogs = new ConcurrentHashMap<>();
    private final Timer ack;
    private final PipelineRuntime runtime;
    private final Admission admission;

    /** A registry for a new server; the runtime is opened with it, so that its pipeline metrics are scraped too. */
    static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    ServerMetrics(PrometheusMeterRegistry registry, PipelineRuntime runtime, Admission admission) {
        this.registry = registry;
        this.runtime = runtime;
        this.admission = admission;
        ack = Timer.builder("faucet.publish.ack").description("Time from a publish request's arrival to its durable"
                + " acknowledgement").publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        Gauge.builder("faucet.ingest.inflight.bytes", admission, Admission::inFlightBytes)
                .description("Bytes of publish bodies held in memory").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Counts a refusal ({@code memory}, {@code disk}, {@code backlog}, {@code auth}, {@code bad-input} ...). */
    void refused(String reason) {
        refusals.computeIfAbsent(reason, r -> Counter.builder("faucet.ingest.refusals").tag("reason", r)
                .description("Publish requests refused, by reason").register(registry)).increment();
    }

    void published(String topic, int records, long bytes) {
        Counter[] c = appended.computeIfAbsent(topic, t -> new Counter[] {
            Counter.builder("faucet.topic.records.appended").tag("topic", t)
                    .description("Records appended to the topic by publish requests").register(registry),
            // No base unit: Micrometer would append it, giving faucet_topic_bytes_appended_bytes_total.
            Counter.builder("faucet.topic.bytes.appended").tag("topic", t)
                    .description("Bytes of publish bodies appended to the topic").register(registry)});
        c[0].increment(records);
        c[1].increment(bytes);
    }

    void request(int status, long startNanos) {
        requests.computeIfAbsent(status, s -> Counter.builder("faucet.publish.requests").tag("status",
                Integer.toString(s)).description("Publish requests by answer status").register(registry)).increment();
        if (status == 200) {
            ack.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Removes a deleted topic's series. */
    void forget(String topic) {
        Counter[] c = appended.remove(topic);
        if (c != null) {
            registry.remove(c[0]);
            registry.remove(c[1]);
        }
        backlogs.keySet().removeIf(k -> k.startsWith(topic + '\0'));
        registry.getMeters().stream().filter(m -> m.getId().getName().equals("faucet.topic.backlog.records")
                && topic.equals(m.getId().getTag("topic"))).toList().forEach(registry::remove);
    }

    /** Prometheus text; refreshes the backlog gauges first. */
    String scrape() {
        for (TopicInfo t : runtime.topics()) {
            Admission.TopicBacklog b = admission.backlog(t.name(), true);
            b.recordsByGroup().forEach((group, records) -> backlogs.computeIfAbsent(t.name() + '\0' + group, k -> {
                AtomicLong v = new AtomicLong();
                Gauge.builder("faucet.topic.backlog.records", v, AtomicLong::get).tag("topic", t.name())
                        .tag("group", group).description("Records of the topic its consumer group has not consumed")
                        .register(registry);
                return v;
            }).set(records));
        }
        return registry.scrape();
    }
}
