package dev.faucet.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A runtime-neutral pipeline case on disk, and its check through a {@link PipelineTestDriver}:
 *
 * <pre>
 * CASE/pipeline.yaml                 the pipeline (schema paths relative to it)
 * CASE/input/TOPIC.ndjson            records sent to TOPIC, one per line: {"key","value","headers","timestamp"}
 *                                    (tables are sent first, then the other inputs, each file in line order)
 * CASE/expected/TOPIC.ndjson         what the pipeline must write to TOPIC, in order: {"key","value","headers"};
 *                                    headers are checked for the names given only; every output topic of the
 *                                    pipeline is checked, a missing file meaning "nothing"
 * CASE/expected/dead-letters.ndjson  the dead letters, in order; each line is a subset of the dead-letter value
 *                                    (for example {"source":{"offset":3},"step":"filter#2","error":{"type":"..."}})
 * </pre>
 *
 * Numbers compare by value (1 and 1.0 are equal; doubles within a relative 1e-9), since runtimes may write them
 * differently. Every topic has one partition, so the order of each output is deterministic.
 */
public final class Conformance {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String DEAD_LETTERS = "dead-letters";

    private Conformance() {
    }

    /** The case directories under {@code root} (those holding a pipeline.yaml), sorted. */
    public static List<Path> cases(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pipeline.yaml"))).sorted().toList();
        }
    }

    /** Runs the case on a fresh embedded runtime and fails with what differs. */
    public static void check(Path caseDir) throws IOException {
        check(caseDir.resolve("pipeline.yaml"), caseDir);
    }

    /** Runs the pipeline file over the case's {@code input/} and compares with its {@code expected/}. */
    public static void check(Path pipelineFile, Path caseDir) throws IOException {
        Pipeline p = PipelineYaml.parse(pipelineFile);
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            Map<String, List<TestRecord>> inputs = inputs(caseDir.resolve("input"));
            for (String table : p.tables()) {
                List<TestRecord> rows = inputs.remove(table);
                if (rows != null) {
                    d.send(table, rows);
                }
            }
            inputs.forEach(d::send);
            List<String> failures = new ArrayList<>();
            for (String topic : p.outputTopics()) {
                compare(topic, expected(caseDir, topic), d.outputs(topic), false, failures);
            }
            compare(DEAD_LETTERS, expected(caseDir, DEAD_LETTERS), d.deadLetters(), true, failures);
            if (!failures.isEmpty()) {
                throw new AssertionError(caseDir.getFileName() + ":\n  " + String.join("\n  ", failures));
            }
        }
    }

    private static Map<String, List<TestRecord>> inputs(Path dir) throws IOException {
        Map<String, List<TestRecord>> in = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return in;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".ndjson")).sorted().toList()) {
                String topic = f.getFileName().toString().replace(".ndjson", "");
                List<TestRecord> records = new ArrayList<>();
                for (JsonNode line : lines(f)) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    line.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
                    JsonNode value = line.get("value");
                    String text = value == null || value.isNull() ? null
                            : line.path("raw").asBoolean(false) ? value.asText() : value.toString();
                    records.add(new TestRecord(line.hasNonNull("key") ? line.get("key").asText() : null, text,
                            headers, line.path("timestamp").asLong(-1), -1, -1));
                }
                in.put(topic, records);
            }
        }
        return in;
    }

    private static List<JsonNode> expected(Path caseDir, String topic) throws IOException {
        Path f = caseDir.resolve("expected").resolve(topic + ".ndjson");
        return Files.isRegularFile(f) ? lines(f) : List.of();
    }

    private static List<JsonNode> lines(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(f)) {
            n++;
            if (line.isBlank() || line.startsWith("//")) {
                continue;
            }
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(f + ":" + n + ": not JSON: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static void compare(String topic, List<JsonNode> expected, List<TestRecord> actual, boolean deadLetters,
            List<String> failures) {
        if (expected.size() != actual.size()) {
            failures.add(topic + ": expected " + expected.size() + " records, got " + actual.size() + ": "
                    + actual.stream().map(r -> r.key() + " " + r.value()).toList());
            return;
        }
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            TestRecord got = actual.get(i);
            JsonNode gotValue = parse(got.value());
            if (deadLetters) {
                if (!subset(want, gotValue)) {
                    failures.add(topic + "[" + i + "]: expected a dead letter like " + want + ", got " + got.value());
                }
                continue;
            }
            if (want.has("key") && !want.get("key").isNull() && !want.get("key").asText().equals(got.key())) {
                failures.add(topic + "[" + i + "]: expected key " + want.get("key") + ", got " + got.key());
            }
            if (!same(want.get("value"), gotValue)) {
                failures.add(topic + "[" + i + "]: expected value " + want.get("value") + ", got " + got.value());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = want.path("headers").properties().iterator();
                    it.hasNext();) {
                Map.Entry<String, JsonNode> h = it.next();
                if (!h.getValue().asText().equals(got.headers().get(h.getKey()))) {
                    failures.add(topic + "[" + i + "]: expected header " + h.getKey() + "=" + h.getValue().asText()
                            + ", got " + got.headers().get(h.getKey()));
                }
            }
        }
    }

    private static JsonNode parse(String text) {
        if (text == null) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /** Equal as JSON, numbers by value. */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b || (a != null && a.isNull()) || (b != null && b.isNull());
        }
        if (a.isNumber() && b.isNumber()) {
            double x = a.asDouble();
            double y = b.asDouble();
            return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                if (!b.has(e.getKey()) || !same(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Every field of {@code want} (recursively for objects) is in {@code got} with the same value. */
    static boolean subset(JsonNode want, JsonNode got) {
        if (want instanceof ObjectNode o) {
            if (!got.isObject()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (!got.has(e.getKey()) || !subset(e.getValue(), got.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return same(want, got);
    }
}
