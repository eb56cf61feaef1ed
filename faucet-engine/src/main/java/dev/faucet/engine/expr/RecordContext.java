package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;

/**
 * What an expression sees of one record.
 *
 * @param value the record's value, any JSON (usually an object); a Java null is read as JSON null. Expressions only
 *     read it, and nobody may change it while an expression evaluates it.
 * @param key the record's key, or null
 * @param headers the record's headers; null is read as none; values must not be null
 * @param timestampMs the record's timestamp in milliseconds since the epoch
 */
public record RecordContext(JsonNode value, String key, Map<String, String> headers, long timestampMs) {

    public RecordContext {
        value = value == null ? NullNode.getInstance() : value;
        headers = headers == null ? Map.of() : headers;
    }

    /** A record with only a value: no key, no headers, timestamp 0. */
    public static RecordContext of(JsonNode value) {
        return new RecordContext(value, null, Map.of(), 0L);
    }
}
