package dev.faucet.log.commit;

/** The committed end of one partition, as a commit record states it. */
public record JournalEntry(int topicId, int partition, long endOffset, long segmentBase, long position) {
    public long key() {
        return key(topicId, partition);
    }

    public static long key(int topicId, int partition) {
        return ((long) topicId << 32) | (partition & 0xffffffffL);
    }
}
