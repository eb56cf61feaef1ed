package dev.faucet.log.group;

import dev.faucet.log.GroupOffset;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.topic.TopicNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consumer-group offsets. They live in the log itself, in the compacted internal topic {@value #TOPIC}: one record
 * per group and partition, keyed {@code group NUL topic NUL partition}, whose value is the offset as 8 bytes (a
 * tombstone forgets it). Committing offsets is appending those records, so offsets commit atomically with any other
 * appends of the same commit. This class keeps the folded view in memory for lookups from any thread.
 */
public final class GroupOffsets {
    public static final String TOPIC = "__faucet.offsets";
    private static final int MAX_GROUP_CHARS = 249;

    private final Map<Key, Long> offsets = new ConcurrentHashMap<>();

    private record Key(String group, String topic, int partition) {
    }

    public static void checkGroup(String group) {
        if (group == null || group.isEmpty() || group.length() > MAX_GROUP_CHARS || group.indexOf('\0') >= 0) {
            throw new LogException(LogException.Kind.INVALID_RECORD, "invalid consumer group name: use 1 to "
                    + MAX_GROUP_CHARS + " characters, no NUL");
        }
    }

    /** The record that stores {@code o}; refuses a topic name no topic can have, whose key would not read back. */
    public static NewRecord record(GroupOffset o) {
        TopicNames.check(o.topic(), true);
        byte[] value = o.offset() < 0 ? null : ByteBuffer.allocate(8).putLong(o.offset()).array();
        return NewRecord.of(key(o.group(), o.topic(), o.partition()), value).toPartition(0);
    }

    private static byte[] key(String group, String topic, int partition) {
        return (group + '\0' + topic + '\0' + partition).getBytes(StandardCharsets.UTF_8);
    }

    /** Folds one record of the offsets topic into the view. */
    public void apply(LogRecord r) {
        String[] parts = new String(r.key(), StandardCharsets.UTF_8).split("\0", -1);
        if (parts.length != 3) {
            return;
        }
        Key k = new Key(parts[0], parts[1], Integer.parseInt(parts[2]));
        if (r.value() == null) {
            offsets.remove(k);
        } else {
            offsets.put(k, ByteBuffer.wrap(r.value()).getLong());
        }
    }

    /** Applies offsets that were just committed; a negative offset removes the entry. */
    public void applyCommitted(List<GroupOffset> committed) {
        for (GroupOffset o : committed) {
            Key k = new Key(o.group(), o.topic(), o.partition());
            if (o.offset() < 0) {
                offsets.remove(k);
            } else {
                offsets.put(k, o.offset());
            }
        }
    }

    public OptionalLong get(String group, String topic, int partition) {
        Long v = offsets.get(new Key(group, topic, partition));
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    public List<GroupOffset> forGroup(String group) {
        List<GroupOffset> out = new ArrayList<>();
        offsets.forEach((k, v) -> {
            if (k.group().equals(group)) {
                out.add(new GroupOffset(k.group(), k.topic(), k.partition(), v));
            }
        });
        out.sort(Comparator.comparing(GroupOffset::topic).thenComparingInt(GroupOffset::partition));
        return out;
    }

    public List<GroupOffset> forTopic(String topic) {
        List<GroupOffset> out = new ArrayList<>();
        offsets.forEach((k, v) -> {
            if (k.topic().equals(topic)) {
                out.add(new GroupOffset(k.group(), k.topic(), k.partition(), v));
            }
        });
        out.sort(Comparator.comparing(GroupOffset::group).thenComparingInt(GroupOffset::partition));
        return out;
    }

    /**
     * Every stored offset for a topic not in {@code topics}, as removals: a deletion that a crash cut short after the
     * topic was gone but before its removals were committed.
     */
    public List<GroupOffset> removalsForTopicsOtherThan(Set<String> topics) {
        List<GroupOffset> out = new ArrayList<>();
        offsets.forEach((k, v) -> {
            if (!topics.contains(k.topic())) {
                out.add(new GroupOffset(k.group(), k.topic(), k.partition(), -1));
            }
        });
        return out;
    }

    /** Every stored offset for {@code topic}, as removals (used when the topic is deleted). */
    public List<GroupOffset> removalsFor(String topic) {
        List<GroupOffset> out = new ArrayList<>();
        offsets.forEach((k, v) -> {
            if (k.topic().equals(topic)) {
                out.add(new GroupOffset(k.group(), k.topic(), k.partition(), -1));
            }
        });
        return out;
    }
}
