package dev.faucet.log;

import dev.faucet.log.topic.Murmur2;
import java.util.List;

/** A topic as it is now: its settings and, per partition, the offsets it holds. */
public record TopicInfo(TopicConfig config, List<PartitionInfo> partitions) {
    public String name() {
        return config.name();
    }

    /** The partition a record with this key goes to when it names none: {@code murmur2(key) mod partitions}. */
    public int partitionOf(byte[] key) {
        return Murmur2.partition(key, config.partitions());
    }
}
