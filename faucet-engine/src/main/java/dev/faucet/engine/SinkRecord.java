package dev.faucet.engine;

import java.util.Map;

/**
 * One record to deliver.
 *
 * @param partition the partition of the sink's queue topic ({@link SinkContext#topic()}) it was read from
 * @param offset its offset there: positions a sink keeps are these offsets
 * @param source where the record entered the pipeline: {@code topic}, {@code partition}, {@code offset}; its
 *     identity, the same on every attempt and after a crash ({@link #id()})
 * @param key the record's key, or null
 * @param value the record's value: JSON, UTF-8
 * @param headers the record's headers (lineage included)
 * @param timestampMs the record's timestamp, epoch milliseconds
 */
public record SinkRecord(int partition, long offset, Source source, String key, byte[] value,
        Map<String, String> headers, long timestampMs) {

    /** Where a record entered its pipeline. */
    public record Source(String topic, int partition, long offset) {
    }

    /** The record's identity in its pipeline: {@code <pipeline>:<topic>:<partition>:<offset>} of its source. */
    public String id(String pipeline) {
        return pipeline + ":" + source.topic() + ":" + source.partition() + ":" + source.offset();
    }
}
