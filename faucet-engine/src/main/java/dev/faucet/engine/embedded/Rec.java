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
    String key;
    final Map<String, String> headers;
    /** The headers as the log gave them (steps never change headers, so outputs reuse them). */
    final java.util.List<dev.faucet.log.Header> rawHeaders;
    final long timestampMs;
    long eventTimeMs;
    final String sourceTopic;
    final int sourcePartition;
    final long sourceOffset;

    Rec(JsonNode value, String key, java.util.List<dev.faucet.log.Header> rawHeaders, long timestampMs,
            String sourceTopic, int sourcePartition, long sourceOffset) {
        this.value = value;
        this.key = key;
        this.rawHeaders = rawHeaders;
        this.headers = new LinkedHashMap<>();
        for (dev.faucet.log.Header h : rawHeaders) {
            headers.put(h.name(), h.valueAsString());
        }
        this.timestampMs = timestampMs;
        this.eventTimeMs = timestampMs;
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
    }

    RecordContext context() {
        return new RecordContext(value, key, headers, timestampMs);
    }
}
