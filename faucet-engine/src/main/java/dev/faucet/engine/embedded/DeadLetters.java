package dev.faucet.engine.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;

/**
 * The dead-letter value, a contract (DESIGN.md): {@code {"record": <original value>, "key", "headers", "timestamp",
 * "source": {"topic","partition","offset"}, "pipeline", "step", "error": {"type","message"}, "attempts", "at"}},
 * with {@code recordBase64} instead of {@code record} when the original is not JSON. Times are RFC 3339 (UTC), as in
 * the HTTP API's record objects.
 */
final class DeadLetters {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetters() {
    }

    /** Why a record is a dead letter: the step (or {@code input}), the error, the attempts made. */
    record Failure(String step, Outcome error, int attempts) {
    }

    static byte[] value(LogRecord original, Task.Source source, String pipeline, Failure failure, long atMs,
            int maxRecordBytes) {
        String step = failure.step();
        Outcome error = failure.error();
        int attempts = failure.attempts();
        ObjectNode o = JSON.createObjectNode();
        JsonNode record = parse(original.value());
        if (original.value() != null && original.value().length > maxRecordBytes / 2) {
            // The dead letter must fit the log's record limit; the original stays readable at its source position.
            o.put("recordOmitted", "the record is " + original.value().length + " bytes, too large to copy into a"
                    + " dead letter; read it at its source position");
        } else if (original.value() == null) {
            o.putNull("record");
        } else if (record != null) {
            o.set("record", record);
        } else {
            o.put("recordBase64", Base64.getEncoder().encodeToString(original.value()));
        }
        o.put("key", original.keyAsString());
        ObjectNode headers = o.putObject("headers");
        for (Header h : original.headers()) {
            headers.put(h.name(), h.valueAsString());
        }
        o.put("timestamp", Instant.ofEpochMilli(original.timestampMs()).toString());
        ObjectNode src = o.putObject("source");
        src.put("topic", source.topic());
        src.put("partition", source.partition());
        src.put("offset", source.offset());
        o.put("pipeline", pipeline);
        o.put("step", step);
        ObjectNode err = o.putObject("error");
        err.put("type", error.type());
        err.put("message", error.message());
        o.put("attempts", attempts);
        o.put("at", Instant.ofEpochMilli(atMs).toString());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(value);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }
}
