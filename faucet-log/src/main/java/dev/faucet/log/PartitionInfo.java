package dev.faucet.log;

/**
 * One partition as it is now: records from {@code startOffset} (earlier ones were removed by retention) up to, not
 * including, {@code endOffset}, the offset the next committed record will take.
 */
public record PartitionInfo(int partition, long startOffset, long endOffset, long sizeBytes) {
}
