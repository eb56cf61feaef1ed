/**
 * The durable log: topics, partitions, segment files, group commit, atomic multi-partition commits, recovery,
 * retention, compaction and consumer-group offsets. JDK only.
 */
package dev.faucet.log;
