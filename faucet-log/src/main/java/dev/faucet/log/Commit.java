package dev.faucet.log;

import java.util.ArrayList;
import java.util.List;

/**
 * An atomic commit: appends to any number of topics and partitions, and consumer-group offsets, made durable and
 * visible together. After a crash at any byte, a committed-mode reader sees all of it or none of it.
 */
public record Commit(List<Append> appends, List<GroupOffset> offsets) {
    public Commit {
        appends = List.copyOf(appends);
        offsets = List.copyOf(offsets);
    }

    /** Records for one topic, placed as {@link Log#append(String, List)} places them. */
    public record Append(String topic, List<NewRecord> records) {
        public Append {
            records = List.copyOf(records);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a commit. Not thread-safe. */
    public static final class Builder {
        private final List<Append> appends = new ArrayList<>();
        private final List<GroupOffset> offsets = new ArrayList<>();

        public Builder append(String topic, List<NewRecord> records) {
            appends.add(new Append(topic, records));
            return this;
        }

        public Builder offset(String group, String topic, int partition, long offset) {
            offsets.add(new GroupOffset(group, topic, partition, offset));
            return this;
        }

        public Commit build() {
            return new Commit(appends, offsets);
        }
    }
}
