package dev.faucet.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.PipelineStatus;
import java.util.List;
import java.util.Locale;

/**
 * The pipeline object of {@code /v1/pipelines} (docs/http-api.md, Pipelines): a {@link PipelineStatus} as JSON.
 * Enum values are written as pipeline files spell them ({@code exactly-once}, {@code running}), times as RFC 3339,
 * latencies in milliseconds, processing time in microseconds per record.
 */
final class PipelineJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineJson() {
    }

    static ObjectNode status(PipelineStatus s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", s.name());
        n.put("version", s.version());
        n.put("guarantee", s.guarantee().yamlName());
        n.put("state", state(s.state()));
        n.put("failure", s.failure());
        n.put("deployedAt", s.deployedAt() == null ? null : s.deployedAt().toString());
        strings(n.putArray("inputs"), s.inputs());
        strings(n.putArray("outputs"), s.outputs());
        n.put("deadLetterTopic", s.deadLetterTopic());
        n.put("ready", s.ready());
        n.putObject("records").put("in", s.recordsIn()).put("out", s.recordsOut())
                .put("deadLettered", s.deadLettered());
        n.putObject("lag").put("records", s.lagRecords()).put("seconds", round(s.partitions().stream()
                .mapToDouble(PipelineStatus.PartitionLag::lagSeconds).max().orElse(0)));
        PipelineStatus.Latency l = s.latency() == null ? PipelineStatus.Latency.NONE : s.latency();
        n.putObject("latency").put("count", l.count()).put("p50", round(l.p50())).put("p99", round(l.p99()))
                .put("p999", round(l.p999())).put("max", round(l.max()));
        ArrayNode steps = n.putArray("steps");
        s.steps().forEach(step -> steps.add(step(step)));
        ArrayNode partitions = n.putArray("partitions");
        for (PipelineStatus.PartitionLag p : s.partitions()) {
            partitions.addObject().put("topic", p.topic()).put("partition", p.partition())
                    .put("committed", p.committed()).put("end", p.end()).put("lag", p.lagRecords())
                    .put("lagSeconds", round(p.lagSeconds()));
        }
        ArrayNode sinks = n.putArray("sinks");
        s.sinks().forEach(k -> sinks.add(sink(k)));
        return n;
    }

    /** A sink: its counts, and per partition of its queue its state (delivering, retrying, breaker-open). */
    private static ObjectNode sink(PipelineStatus.SinkStats k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", k.name()).put("type", k.type()).put("state", sinkState(k.state()))
                .put("delivered", k.delivered()).put("deadLettered", k.deadLettered()).put("retries", k.retries())
                .put("breakerOpenings", k.breakerOpenings());
        ArrayNode parts = n.putArray("partitions");
        for (PipelineStatus.SinkPartition p : k.partitions()) {
            parts.addObject().put("partition", p.partition()).put("state", sinkState(p.state()))
                    .put("position", p.position()).put("end", p.end()).put("queued", p.queued())
                    .put("error", p.error());
        }
        return n;
    }

    private static String sinkState(PipelineStatus.SinkState state) {
        return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String state(PipelineStatus.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static ObjectNode step(PipelineStatus.StepStats s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", s.id()).put("kind", s.kind()).put("in", s.in()).put("out", s.out()).put("failed", s.failed())
                .put("retries", s.retries());
        ObjectNode dropped = n.putObject("dropped");
        s.dropped().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> dropped.put(e.getKey(), e.getValue()));
        n.put("processingMicros", round(s.processingMicrosMean()));
        return n;
    }

    /** Three decimals: microseconds of a latency in milliseconds, nanoseconds of a processing time. */
    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
