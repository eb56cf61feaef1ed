package dev.faucet.log;

/** A consumer group's position in one partition: the offset of the next record it will read. */
public record GroupOffset(String group, String topic, int partition, long offset) {
}
