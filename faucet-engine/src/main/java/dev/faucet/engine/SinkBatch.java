package dev.faucet.engine;

import java.util.List;

/**
 * Records to deliver in one call, in queue order, and the position after them: a transactional sink stores
 * {@code next} with the records (it may be past the last record when records before it went to the dead letters).
 *
 * @param id the batch's identity, the same on every attempt and after a crash: {@code <pipeline>:<topic>:
 *     <partition>:<offset>} of the first record's source, and {@code /<count>} when the batch holds more than one
 *     record (for the webhook's {@code Idempotency-Key})
 */
public record SinkBatch(String id, int partition, List<SinkRecord> records, long next) {
    public SinkBatch {
        records = List.copyOf(records);
    }

    public int size() {
        return records.size();
    }
}
