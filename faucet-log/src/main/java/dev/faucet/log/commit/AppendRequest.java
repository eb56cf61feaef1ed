package dev.faucet.log.commit;

import dev.faucet.log.topic.Topic;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An atomic commit on its way to the writer: batches for any partitions. The future completes with each batch's
 * base offset once the commit is durable, or fails with the reason nothing of it was committed.
 *
 * @param dependsOn topics the commit writes to or commits offsets for: if one is deleted first, the commit is refused
 * @param onCommitted run by the writer thread right after the commit is durable, before the future completes
 */
public record AppendRequest(List<PartitionBatch> batches, List<Topic> dependsOn, long bytes, Runnable onCommitted,
        CompletableFuture<long[]> future) {
}
