package dev.faucet.log;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A record to append: key (optional), value ({@code null} is a tombstone in a compacted topic), headers, event time
 * and, optionally, the partition to append to.
 *
 * <p>Without an explicit partition, a keyed record goes to {@code murmur2(key) mod partitions}, as Kafka places it,
 * and the unkeyed records of one append call go together to one partition. Without a timestamp
 * ({@link #NO_TIMESTAMP}) the record takes the time of the append call.
 */
public record NewRecord(byte[] key, byte[] value, List<Header> headers, long timestampMs, int partition) {
    public static final long NO_TIMESTAMP = -1;
    public static final int ANY_PARTITION = -1;

    public NewRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public static NewRecord of(byte[] value) {
        return new NewRecord(null, value, List.of(), NO_TIMESTAMP, ANY_PARTITION);
    }

    public static NewRecord of(byte[] key, byte[] value) {
        return new NewRecord(key, value, List.of(), NO_TIMESTAMP, ANY_PARTITION);
    }

    public static NewRecord of(String key, String value) {
        return of(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public NewRecord withHeaders(List<Header> newHeaders) {
        return new NewRecord(key, value, newHeaders, timestampMs, partition);
    }

    public NewRecord withTimestamp(long newTimestampMs) {
        return new NewRecord(key, value, headers, newTimestampMs, partition);
    }

    public NewRecord toPartition(int newPartition) {
        return new NewRecord(key, value, headers, timestampMs, newPartition);
    }
}
