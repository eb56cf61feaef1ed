package dev.faucet.engine.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faucet.engine.expr.RecordContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record on its way through a stage's steps: the value as JSON, the key, headers, timestamps and where it came
 * from. Mutable; one task owns it.
 */
final class Rec {
    JsonNode value;
    /** The value as the log gave it; outputs reuse it unless a step {@link #changed} the value. */
    final byte[] original;
    /** Set by every step that changes the value (set, map, drop, enrich). */
    boolean changed;
    String key;
    private Map<String, String> headers;
    /** The headers as the log gave them (steps never change headers, so outputs reuse them). */
    final java.util.List<dev.faucet.log.Header> rawHeaders;
    final long timestampMs;
    long eventTimeMs;
    final String sourceTopic;
    final int sourcePartition;
    final long sourceOffset;

    Rec(JsonNode value, byte[] original, String key, java.util.List<dev.faucet.log.Header> rawHeaders,
            long timestampMs, Task.Source source) {
        this.value = value;
        this.original = original;
        this.key = key;
        this.rawHeaders = rawHeaders;
        this.timestampMs = timestampMs;
        this.eventTimeMs = timestampMs;
        this.sourceTopic = source.topic();
        this.sourcePartition = source.partition();
        this.sourceOffset = source.offset();
    }

    /** The headers as text, decoded when an expression first needs them. */
    Map<String, String> headers() {
        if (headers == null) {
            headers = new LinkedHashMap<>();
            for (dev.faucet.log.Header h : rawHeaders) {
                headers.put(h.name(), h.valueAsString());
            }
        }
        return headers;
    }

    RecordContext context() {
        return new RecordContext(value, key, headers(), timestampMs);
    }
}
