package dev.faucet.engine;

import dev.faucet.log.NewRecord;
import java.util.List;
import java.util.Objects;

/**
 * One publish request: records for one topic, appended all or nothing.
 *
 * @param idempotencyKey the client's key for safe retries, or null
 * @param fingerprint    a digest of what the request asked for (body, content type, options); a retry with the same
 *                       key and another fingerprint is a conflict. Ignored without a key.
 */
public record Publish(String topic, List<NewRecord> records, String idempotencyKey, byte[] fingerprint) {
    public Publish {
        Objects.requireNonNull(topic, "topic");
        records = List.copyOf(records);
        if (idempotencyKey != null) {
            Objects.requireNonNull(fingerprint, "fingerprint (needed with an idempotency key)");
        }
    }

    public static Publish of(String topic, List<NewRecord> records) {
        return new Publish(topic, records, null, null);
    }
}
