package dev.faucet.log.commit;

import dev.faucet.log.partition.Partition;
import dev.faucet.log.topic.Topic;
import java.nio.ByteBuffer;

/** One encoded batch for one partition, waiting for the writer to give it offsets. */
public record PartitionBatch(Topic topic, Partition partition, ByteBuffer batch) {
}
