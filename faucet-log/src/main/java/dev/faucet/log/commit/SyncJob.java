package dev.faucet.log.commit;

import dev.faucet.log.partition.Partition;
import dev.faucet.log.segment.Segment;
import java.util.List;

/**
 * One written group on its way to durability: the segments to force, the commit record to append (the ends of
 * {@code partitions}, in the same order), and the commits to acknowledge with their base offsets.
 *
 * @param durable whether a touched topic is {@code fsync: always}, so the commit record must be forced
 */
record SyncJob(long commitId, List<Partition> partitions, List<JournalEntry> ends, List<Segment> toForce,
        boolean durable, List<AppendRequest> requests, List<long[]> results) {
}
