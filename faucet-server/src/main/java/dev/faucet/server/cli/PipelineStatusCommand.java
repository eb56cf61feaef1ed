package dev.faucet.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code faucet pipeline status NAME}: the pipeline's state (and why it failed), records in and out, lag and
 * latency, then a row per step and a row per input partition. {@code --json} prints the API's pipeline object.
 */
@Command(name = "status", description = "Shows a pipeline's state, counts per step, lag per partition and latency.")
final class PipelineStatusCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Pipeline name.")
    private String name;

    @Option(names = "--json", description = "Print the pipeline object of the HTTP API (JSON).")
    private boolean json;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        JsonNode p = client.get(PipelineCommand.path(name));
        if (json) {
            try {
                out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(p));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree always serializes", e);
            }
            return 0;
        }
        summary(out(), p);
        out().println();
        steps(out(), p.path("steps"));
        out().println();
        partitions(out(), p.path("partitions"));
        return 0;
    }

    /** {@code running}, {@code running (not ready)}, {@code paused} or {@code failed}. */
    static String state(JsonNode p) {
        String state = p.path("state").asText();
        return state.equals("running") && !p.path("ready").asBoolean(true) ? state + " (not ready)" : state;
    }

    private static void summary(PrintWriter out, JsonNode p) {
        JsonNode r = p.path("records");
        JsonNode l = p.path("latency");
        line(out, "pipeline", p.path("name").asText());
        line(out, "version", p.path("version").asText());
        line(out, "state", state(p));
        if (!p.path("failure").isNull() && !p.path("failure").isMissingNode()) {
            line(out, "failure", p.path("failure").asText());
        }
        line(out, "guarantee", p.path("guarantee").asText());
        line(out, "deployed", p.path("deployedAt").asText());
        line(out, "inputs", join(p.path("inputs")));
        line(out, "outputs", join(p.path("outputs")));
        line(out, "dead letters", p.path("deadLetterTopic").asText());
        line(out, "records", r.path("in").asLong() + " in, " + r.path("out").asLong() + " out, "
                + r.path("deadLettered").asLong() + " dead-lettered");
        line(out, "lag", TextTable.plural(p.path("lag").path("records").asLong(), "record") + ", "
                + seconds(p.path("lag").path("seconds").asDouble()));
        line(out, "latency", l.path("count").asLong() == 0 ? "no records yet" : "p50 " + ms(l.path("p50"))
                + ", p99 " + ms(l.path("p99")) + ", p99.9 " + ms(l.path("p999")) + ", max " + ms(l.path("max")));
    }

    private static void steps(PrintWriter out, JsonNode steps) {
        TextTable t = new TextTable("STEP", "IN", "OUT", "FAILED", "RETRIES", "DROPPED", "MICROS/RECORD");
        for (JsonNode s : steps) {
            List<String> dropped = new ArrayList<>();
            s.path("dropped").properties().forEach(e -> dropped.add(e.getKey() + " " + e.getValue().asLong()));
            t.row(s.path("id").asText(), s.path("in").asText(), s.path("out").asText(), s.path("failed").asText(),
                    s.path("retries").asText(), dropped.isEmpty() ? "-" : String.join(", ", dropped),
                    String.format(Locale.ROOT, "%.1f", s.path("processingMicros").asDouble()));
        }
        t.print(out);
    }

    private static void partitions(PrintWriter out, JsonNode partitions) {
        TextTable t = new TextTable("INPUT", "PARTITION", "COMMITTED", "END", "LAG", "LAG TIME");
        for (JsonNode p : partitions) {
            t.row(p.path("topic").asText(), p.path("partition").asText(), p.path("committed").asText(),
                    p.path("end").asText(), p.path("lag").asText(), seconds(p.path("lagSeconds").asDouble()));
        }
        t.print(out);
    }

    private static void line(PrintWriter out, String label, String value) {
        out.println(label + ":" + " ".repeat(Math.max(1, 14 - label.length())) + value);
    }

    private static String join(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values.isEmpty() ? "-" : String.join(", ", values);
    }

    private static String ms(JsonNode v) {
        return String.format(Locale.ROOT, "%.1f ms", v.asDouble());
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }
}
