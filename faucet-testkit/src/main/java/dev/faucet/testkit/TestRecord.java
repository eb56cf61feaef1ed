package dev.faucet.testkit;

import java.util.Map;

/**
 * A record going into or coming out of a pipeline under test. {@code value} is the JSON text (or any text);
 * {@code timestampMs} is -1 for "now" when sending. On output, {@code partition} and {@code offset} say where it
 * landed.
 */
public record TestRecord(String key, String value, Map<String, String> headers, long timestampMs, int partition,
        long offset) {
    public TestRecord {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static TestRecord of(String key, String value) {
        return new TestRecord(key, value, Map.of(), -1, -1, -1);
    }

    public static TestRecord of(String value) {
        return of(null, value);
    }

    public TestRecord at(long timestampMs) {
        return new TestRecord(key, value, headers, timestampMs, partition, offset);
    }

    public TestRecord withHeader(String name, String v) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, v);
        return new TestRecord(key, value, h, timestampMs, partition, offset);
    }
}
