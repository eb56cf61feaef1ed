package dev.faucet.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** A committed record as read back: where it is (partition, offset), its event time, key, value and headers. */
public record LogRecord(int partition, long offset, long timestampMs, byte[] key, byte[] value, List<Header> headers) {
    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogRecord r && partition == r.partition && offset == r.offset
                && timestampMs == r.timestampMs && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + partition;
    }

    @Override
    public String toString() {
        return "LogRecord[" + partition + "@" + offset + " ts=" + timestampMs + " key=" + keyAsString() + " value="
                + (value == null ? "null" : value.length + "B") + " headers=" + headers + "]";
    }
}
