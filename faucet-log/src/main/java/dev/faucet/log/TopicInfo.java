package dev.faucet.log;

import java.util.List;

/** A topic as it is now: its settings and, per partition, the offsets it holds. */
public record TopicInfo(TopicConfig config, List<PartitionInfo> partitions) {
    public String name() {
        return config.name();
    }
}
