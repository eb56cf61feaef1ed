package dev.faucet.engine.embedded;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The keyed state of one dedupe step in one task: the latest event time seen per key. Its changelog is a compacted
 * internal topic ({@link #changelogTopic}), one partition per task, written in the same commit as the task's outputs,
 * so that after a crash the state is exactly what the committed outputs imply.
 */
final class DedupeState {
    final String changelogTopic;
    final int partition;
    final long withinMs;
    private final Map<String, Long> lastSeen = new HashMap<>();

    DedupeState(String changelogTopic, int partition, long withinMs) {
        this.changelogTopic = changelogTopic;
        this.partition = partition;
        this.withinMs = withinMs;
    }

    /** True when {@code key} was seen at an event time within the span of {@code eventTimeMs}, before or after it. */
    boolean isDuplicate(String key, long eventTimeMs) {
        Long seen = lastSeen.get(key);
        return seen != null && Math.abs(eventTimeMs - seen) < withinMs;
    }

    void apply(String key, Long eventTimeMs) {
        if (eventTimeMs == null) {
            lastSeen.remove(key);
        } else {
            lastSeen.merge(key, eventTimeMs, Math::max);
        }
    }

    /** Folds one changelog record in (recovery). */
    void restore(byte[] key, byte[] value) {
        String k = new String(key, java.nio.charset.StandardCharsets.UTF_8);
        apply(k, value == null ? null : ByteBuffer.wrap(value).getLong());
    }

    static byte[] encode(Long eventTimeMs) {
        return eventTimeMs == null ? null : ByteBuffer.allocate(8).putLong(eventTimeMs).array();
    }

    /** Removes (and reports, for the changelog) keys last seen before {@code horizonMs}: they can no longer match. */
    int expire(long horizonMs, java.util.function.Consumer<String> removed) {
        int n = 0;
        for (Iterator<Map.Entry<String, Long>> it = lastSeen.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() < horizonMs) {
                it.remove();
                removed.accept(e.getKey());
                n++;
            }
        }
        return n;
    }

    int size() {
        return lastSeen.size();
    }

    Map<String, Long> entries() {
        return lastSeen;
    }
}
