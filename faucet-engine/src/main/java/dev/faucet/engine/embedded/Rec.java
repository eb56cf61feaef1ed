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
    final long timestampMs;
    long eventTimeMs;
    final String sourceTopic;
    final int sourcePartition;
    final long sourceOffset;

    Rec(JsonNode value, String key, Map<String, String> headers, long timestampMs, String sourceTopic,
            int sourcePartition, long sourceOffset) {
        this.value = value;
        this.key = key;
        this.headers = new LinkedHashMap<>(headers);
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
