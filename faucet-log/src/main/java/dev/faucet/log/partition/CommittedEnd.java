package dev.faucet.log.partition;

/**
 * The committed end of a partition: the offset the next record will take, and where in which segment the committed
 * bytes stop. Published by the writer after the commit record is durable; read by readers without locks.
 */
public record CommittedEnd(long offset, long segmentBase, long position) {
}
