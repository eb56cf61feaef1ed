package dev.faucet.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The record object of reads and subscriptions: {@code {"partition","offset","timestamp","key","value","headers"}}.
 * {@code value} is the stored JSON as it was sent; a value that is not JSON (written by other means) is given as
 * {@code "valueBase64"} instead; a tombstone has {@code "value":null}. A value written over several lines is given on
 * one line (the same JSON, re-encoded), so the object always fits one SSE data line or one NDJSON line.
 * {@code timestamp} is RFC 3339 (UTC).
 */
final class RecordJson {
    private static final JsonFactory JSON = new JsonFactory();

    private RecordJson() {
    }

    static void write(JsonGenerator g, String topic, LogRecord r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("partition", r.partition());
        g.writeNumberField("offset", r.offset());
        g.writeStringField("timestamp", Instant.ofEpochMilli(r.timestampMs()).toString());
        if (r.key() == null) {
            g.writeNullField("key");
        } else {
            g.writeStringField("key", new String(r.key(), StandardCharsets.UTF_8));
        }
        if (r.value() == null) {
            g.writeNullField("value");
        } else if (isJson(r.value())) {
            g.writeFieldName("value");
            if (hasLineBreak(r.value())) {
                // Re-encoded on one line: SSE data lines and NDJSON output cannot carry a raw line break.
                try (JsonParser p = JSON.createParser(r.value())) {
                    p.nextToken();
                    g.copyCurrentStructure(p);
                }
            } else {
                g.writeRawValue(new String(r.value(), StandardCharsets.UTF_8));
            }
        } else {
            g.writeStringField("valueBase64", Base64.getEncoder().encodeToString(r.value()));
        }
        g.writeObjectFieldStart("headers");
        for (Header h : r.headers()) {
            g.writeStringField(h.name(), h.valueAsString());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static boolean hasLineBreak(byte[] value) {
        for (byte b : value) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    private static boolean isJson(byte[] value) {
        try (JsonParser p = JSON.createParser(value)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    static String toString(String topic, LogRecord r) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, topic, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }
}
