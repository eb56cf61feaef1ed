package dev.faucet.log.topic;

import dev.faucet.log.LogException;
import dev.faucet.log.NewRecord;
import dev.faucet.log.commit.PartitionBatch;
import dev.faucet.log.format.RecordBatchCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks records against the limits and places them in partitions: an explicit partition first, then
 * {@code murmur2(key) mod partitions}, and for unkeyed records one partition per call, taken in turn. Then encodes
 * one batch per partition. Runs on the appending thread, so encoding and checksums stay off the writer thread.
 */
public final class RecordPlacer {
    private final int maxRecordBytes;
    private final AtomicInteger sticky = new AtomicInteger();

    public RecordPlacer(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The batches of one topic, and where each input record went: batch index and index within the batch. */
    public record Placed(List<PartitionBatch> batches, int[] batchOf, int[] indexInBatch, long bytes) {
    }

    public Placed place(Topic topic, List<NewRecord> records, long nowMs) {
        Map<Integer, List<NewRecord>> byPartition = new LinkedHashMap<>();
        int[] batchOf = new int[records.size()];
        int[] indexInBatch = new int[records.size()];
        int unkeyed = -1;
        for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i);
            check(topic, r, i, records.size());
            int p = r.partition() != NewRecord.ANY_PARTITION ? r.partition()
                    : r.key() != null ? Murmur2.partition(r.key(), topic.partitionCount())
                    : unkeyed >= 0 ? unkeyed : (unkeyed = Math.floorMod(sticky.getAndIncrement(),
                            topic.partitionCount()));
            List<NewRecord> list = byPartition.computeIfAbsent(p, k -> new ArrayList<>());
            indexInBatch[i] = list.size();
            list.add(r);
            batchOf[i] = p;
        }
        return encode(topic, byPartition, batchOf, indexInBatch, nowMs);
    }

    private static Placed encode(Topic topic, Map<Integer, List<NewRecord>> byPartition, int[] batchOf,
            int[] indexInBatch, long nowMs) {
        List<PartitionBatch> batches = new ArrayList<>(byPartition.size());
        Map<Integer, Integer> batchIndex = new LinkedHashMap<>();
        long bytes = 0;
        for (Map.Entry<Integer, List<NewRecord>> e : byPartition.entrySet()) {
            batchIndex.put(e.getKey(), batches.size());
            PartitionBatch b = new PartitionBatch(topic, topic.partition(e.getKey()),
                    RecordBatchCodec.encode(e.getValue(), nowMs));
            bytes += b.batch().limit();
            batches.add(b);
        }
        for (int i = 0; i < batchOf.length; i++) {
            batchOf[i] = batchIndex.get(batchOf[i]);
        }
        return new Placed(batches, batchOf, indexInBatch, bytes);
    }

    private void check(Topic topic, NewRecord r, int i, int n) {
        int size = RecordBatchCodec.recordSize(r);
        if (size > maxRecordBytes) {
            throw new LogException(LogException.Kind.RECORD_TOO_LARGE, where(i, n) + " is " + size
                    + " bytes encoded; the limit (maxRecordBytes) is " + maxRecordBytes);
        }
        int p = r.partition();
        if (p != NewRecord.ANY_PARTITION && (p < 0 || p >= topic.partitionCount())) {
            throw new LogException(LogException.Kind.INVALID_RECORD, where(i, n) + " names partition " + r.partition()
                    + " but topic '" + topic.name() + "' has partitions 0 to " + (topic.partitionCount() - 1));
        }
        if (r.timestampMs() < 0 && r.timestampMs() != NewRecord.NO_TIMESTAMP) {
            throw new LogException(LogException.Kind.INVALID_RECORD, where(i, n) + " has a negative timestamp ("
                    + r.timestampMs() + " ms); use a time since 1970 or none");
        }
        if (topic.config().compact() && r.key() == null) {
            throw new LogException(LogException.Kind.INVALID_RECORD, where(i, n) + " has no key, but topic '"
                    + topic.name() + "' is compacted and keeps the latest record per key");
        }
    }

    /** Which record a refusal names; built only when refusing (it was built for every record, a cost per append). */
    private static String where(int i, int n) {
        return n == 1 ? "the record" : "record " + (i + 1) + " of " + n;
    }
}
