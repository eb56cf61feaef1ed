package dev.faucet.log.topic;

import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import dev.faucet.log.partition.Partition;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** A topic: its id (unique for the life of the data directory), settings and partitions. */
public final class Topic {
    private final int id;
    private final TopicConfig config;
    private final Path dir;
    private final Partition[] partitions;
    private volatile boolean deleted;

    public Topic(int id, TopicConfig config, Path dir, Partition[] partitions) {
        this.id = id;
        this.config = config;
        this.dir = dir;
        this.partitions = partitions;
    }

    public int id() {
        return id;
    }

    public String name() {
        return config.name();
    }

    public TopicConfig config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    public Partition partition(int p) {
        return partitions[p];
    }

    public List<Partition> partitions() {
        return Arrays.asList(partitions);
    }

    public int partitionCount() {
        return partitions.length;
    }

    public boolean isDeleted() {
        return deleted;
    }

    public void markDeleted() {
        deleted = true;
    }

    public TopicInfo info() {
        List<PartitionInfo> infos = Arrays.stream(partitions).map(Partition::info).toList();
        return new TopicInfo(config, infos);
    }
}
