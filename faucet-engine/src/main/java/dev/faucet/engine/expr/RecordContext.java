package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** TEMPORARY STUB (replaced by branch expr). */
public record RecordContext(JsonNode value, String key, Map<String, String> headers, long timestampMs) {
}
