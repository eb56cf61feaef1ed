package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.log.topic.Murmur2;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * What {@link CrashSimulationTest} sent to a log and what the log acknowledged, and the checks of the reopened log
 * against it. Every value sent is unique, so a record read back names the append it came from.
 *
 * <p>Three kinds of topic, each with its own promise after a power loss:
 * <ul>
 *   <li>plain: a committed operation is visible whole, at its acknowledged offsets, in dense offsets;</li>
 *   <li>compacted: as plain, except that a record may be gone when a later record of its key in its partition is
 *       visible; so the last record of a key is the latest acknowledged one or a newer one that was in flight;</li>
 *   <li>{@code fsync: never}: whatever is read was appended, whole, at its acknowledged offset; its acknowledged tail
 *       may be lost; what was read after the crash is still there after more appends and another reopen.</li>
 * </ul>
 * A topic may be deleted and created again under the same name: records of a deleted incarnation never come back,
 * and the deletion removes the group offsets committed for the topic.
 */
final class CrashHistory {
    static final List<String> GROUPS = List.of("g0", "g1");

    enum Kind {
        PLAIN, COMPACTED, NEVER;

        static Kind of(TopicConfig c) {
            return c.fsync() == FsyncPolicy.NEVER ? NEVER : c.compact() ? COMPACTED : PLAIN;
        }
    }

    /** One life of a topic name, from its creation to its deletion (compared by identity). */
    static final class Incarnation {
        private final TopicConfig config;
        private final int number;
        private boolean deleted;

        Incarnation(TopicConfig config, int number) {
            this.config = config;
            this.number = number;
        }

        TopicConfig config() {
            return config;
        }

        String name() {
            return config.name();
        }

        Kind kind() {
            return Kind.of(config);
        }

        @Override
        public String toString() {
            return name() + "#" + number + "/" + config.partitions() + "p/" + kind().name().toLowerCase()
                    + (config.segmentBytes() == 4096 ? "/4KiB" : "") + (deleted ? "/deleted" : "");
        }
    }

    /** One record as appended: by which operation, in which order overall ({@code seq}), to which topic. */
    record Sent(int op, long seq, Incarnation topic, NewRecord record) {
        String value() {
            return new String(record.value(), StandardCharsets.UTF_8);
        }

        /** The partition the record must land in, or -1 when any will do (an unkeyed record). */
        int partition() {
            if (record.partition() != NewRecord.ANY_PARTITION) {
                return record.partition();
            }
            return record.key() == null ? -1 : Murmur2.partition(record.key(), topic.config().partitions());
        }

        /** Whether the log must keep this record after a crash: it is in a live, durable topic. */
        boolean checkable() {
            return !topic.deleted && topic.kind() != Kind.NEVER;
        }
    }

    /** One append, batch append or commit. */
    record Op(int index, List<Sent> records, List<GroupOffset> offsets,
            CompletableFuture<List<RecordPosition>> future) {
        /** Whether an acknowledgement of this op means it is on disk (it touched an {@code fsync: always} topic). */
        boolean durable() {
            return !offsets.isEmpty() || records.stream().anyMatch(s -> s.topic().kind() != Kind.NEVER);
        }

        boolean checkable() {
            return records.stream().anyMatch(Sent::checkable);
        }
    }

    /** A topic deleted (and created again) after the first {@code opsBefore} ops were submitted. */
    record Deletion(String topic, int opsBefore) {
    }

    /** Where a record is. */
    record Key(String topic, int partition, long offset) {
    }

    /** A key of a compacted partition. */
    private record KeyIn(String topic, int partition, String key) {
    }

    /** What a reopened log held: every record by position, and the committed group offsets. */
    record Snapshot(Map<Key, LogRecord> records, Set<GroupOffset> groups) {
    }

    private final Map<String, Incarnation> current = new LinkedHashMap<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<Deletion> deletions = new ArrayList<>();
    private final Map<String, Sent> sentByValue = new HashMap<>();
    private final Map<String, Key> ackedAt = new HashMap<>();
    private final Set<Integer> acked = new HashSet<>();
    private int incarnations;
    private long seq;
    /** After the crash: the highest op known committed; the ops from {@link #lostFrom} on are certainly lost. */
    private int committed = -1;
    private int committedAtCrash = -1;
    private int lostFrom;

    // ---- recording ----

    Incarnation create(TopicConfig c) {
        Incarnation t = new Incarnation(c, ++incarnations);
        current.put(c.name(), t);
        return t;
    }

    void delete(String name) {
        current.get(name).deleted = true;
        deletions.add(new Deletion(name, ops.size()));
    }

    /** What a deletion (and creation again) that raced the crash did, as the reopened log shows. */
    enum Raced {
        NOT_DELETED, DELETED, CREATED_AGAIN
    }

    /**
     * Settles a deletion of topic {@code name} and its creation again as {@code again} (settings that differ from the
     * deleted topic's) that raced the crash, by the settings of the topic the reopened log has ({@code found}).
     */
    Raced settle(String name, TopicConfig again, TopicConfig found) {
        Incarnation old = current.get(name);
        if (old.config().equals(found)) {
            return Raced.NOT_DELETED;
        }
        delete(name);
        if (found == null) {
            current.remove(name);
            return Raced.DELETED;
        }
        assertThat(found).as("topic %s after a deletion and creation that raced the crash", name).isEqualTo(again);
        create(again);
        return Raced.CREATED_AGAIN;
    }

    List<Incarnation> topics() {
        return List.copyOf(current.values());
    }

    Sent sent(int op, Incarnation t, NewRecord r) {
        return new Sent(op, seq++, t, r);
    }

    void add(Op op) {
        ops.add(op);
        op.records().forEach(s -> sentByValue.put(s.value(), s));
    }

    List<Op> ops() {
        return ops;
    }

    int deletionCount() {
        return deletions.size();
    }

    /** Records that {@code op} was acknowledged with these positions (one per record, in order). */
    void acknowledge(Op op, List<RecordPosition> positions) {
        assertThat(positions).as("positions of op %d", op.index()).hasSameSizeAs(op.records());
        acked.add(op.index());
        for (int i = 0; i < positions.size(); i++) {
            Sent s = op.records().get(i);
            ackedAt.put(s.value(), new Key(s.topic().name(), positions.get(i).partition(), positions.get(i).offset()));
        }
    }

    int ackedCount() {
        return acked.size();
    }

    int committedOps() {
        return committed + 1;
    }

    /** How many records an {@code fsync: never} topic acknowledged that {@code s} lacks. */
    long lostNeverRecords(Snapshot s) {
        return lostNeverRecords(s.records(), Integer.MAX_VALUE);
    }

    /** Records of ops up to {@code lastOp} acknowledged by an {@code fsync: never} topic and not in {@code seen}. */
    private long lostNeverRecords(Map<Key, LogRecord> seen, int lastOp) {
        return ackedAt.entrySet().stream().filter(e -> {
            Sent s = sentByValue.get(e.getKey());
            return s.topic().kind() == Kind.NEVER && !s.topic().deleted && s.op() <= lastOp
                    && !seen.containsKey(e.getValue());
        }).count();
    }

    // ---- after the crash ----

    /**
     * Checks a log reopened after the crash: every record whole and appended, committed ops visible whole and as a
     * prefix (acknowledged durable ops among them), compacted keys at their latest acknowledged record or a newer
     * one, group offsets as some committed prefix left them. Returns what the log holds.
     */
    Snapshot checkAfterCrash(Log log) {
        assertTopics(log);
        Map<Key, LogRecord> seen = readEverything(log);
        Map<KeyIn, Sent> last = new HashMap<>();
        Set<String> visible = new HashSet<>();
        int maxVisible = -1;
        for (Map.Entry<Key, LogRecord> e : seen.entrySet()) {
            Sent s = whole(e.getKey(), e.getValue());
            visible.add(s.value());
            last.put(keyIn(e.getKey(), s), s);
            if (s.checkable()) {
                maxVisible = Math.max(maxVisible, s.op());
            }
        }
        committed = maxVisible;
        for (Op op : ops) {
            if (acked.contains(op.index()) && op.durable()) {
                committed = Math.max(committed, op.index());
            }
        }
        for (Op op : ops.subList(0, committed + 1)) {
            assertVisible(op, visible, last);
        }
        lostFrom = ops.size();
        for (Op op : ops.subList(committed + 1, ops.size())) {
            if (op.checkable()) {
                lostFrom = op.index();
                break;
            }
        }
        for (Map.Entry<Key, LogRecord> e : seen.entrySet()) {
            int op = sentByValue.get(e.getValue().valueAsString()).op();
            assertThat(op).as("the record at %s is of op %d, but op %d was lost", e.getKey(), op, lostFrom)
                    .isLessThan(lostFrom);
        }
        committedAtCrash = committed;
        assertLatestPerKey(last);
        if (lostNeverRecords(seen, committed) > 0) {
            assertThat(log.recoveryNotes()).as("recovery notes after an fsync: never topic lost acknowledged records")
                    .anyMatch(n -> n.contains("fsync: never") && n.contains("lost"));
        }
        Set<GroupOffset> groups = groupOffsets(log);
        assertGroupOffsets(groups);
        return new Snapshot(seen, groups);
    }

    /** Every record of a committed op is visible, or for a compacted topic superseded by a visible later one. */
    private void assertVisible(Op op, Set<String> visible, Map<KeyIn, Sent> last) {
        for (Sent s : op.records()) {
            if (!s.checkable() || visible.contains(s.value())) {
                continue;
            }
            String why = "record " + s.seq() + " of op " + op.index() + " in " + s.topic() + " (op " + committed
                    + " is committed" + (acked.contains(op.index()) ? ", and this op was acknowledged" : "") + ")";
            assertThat(s.topic().kind()).as("%s is missing", why).isEqualTo(Kind.COMPACTED);
            Sent newer = last.get(keyIn(s));
            assertThat(newer).as("%s is missing and no later record of its key is visible", why).isNotNull();
            assertThat(newer.seq()).as("%s is missing; the last visible record of its key is older", why)
                    .isGreaterThan(s.seq());
        }
    }

    /** For each key of a compacted partition: the last record read is the latest acknowledged one or newer. */
    private void assertLatestPerKey(Map<KeyIn, Sent> last) {
        Map<KeyIn, Sent> latestAcked = new HashMap<>();
        for (Op op : ops) {
            if (!acked.contains(op.index())) {
                continue;
            }
            for (Sent s : op.records()) {
                if (s.checkable() && s.topic().kind() == Kind.COMPACTED) {
                    latestAcked.merge(keyIn(s), s, (a, b) -> a.seq() > b.seq() ? a : b);
                }
            }
        }
        latestAcked.forEach((k, a) -> {
            Sent l = last.get(k);
            assertThat(l).as("key %s: its latest acknowledged record %s is gone and nothing newer is there", k,
                    a.value()).isNotNull();
            assertThat(l.seq()).as("key %s: the last record read, %s, is older than the latest acknowledged, %s", k,
                    l.value(), a.value()).isGreaterThanOrEqualTo(a.seq());
        });
    }

    /**
     * The committed group offsets are those that the ops before some k left (deletions removing a topic's), for a k
     * from the ops known committed up to the first op known lost.
     */
    private void assertGroupOffsets(Set<GroupOffset> actual) {
        List<Set<GroupOffset>> allowed = new ArrayList<>();
        for (int k = committed + 1; k <= lostFrom; k++) {
            allowed.add(expectedGroupOffsets(k));
        }
        assertThat(allowed).as("committed group offsets (ops 0 to %d committed, op %d lost, deletions %s)",
                committed, lostFrom, deletions).contains(actual);
    }

    private Set<GroupOffset> expectedGroupOffsets(int committedOps) {
        Map<List<Object>, Long> state = new HashMap<>();
        int d = 0;
        for (int i = 0; i <= ops.size(); i++) {
            for (; d < deletions.size() && deletions.get(d).opsBefore() == i; d++) {
                String deleted = deletions.get(d).topic();
                state.keySet().removeIf(k -> k.get(1).equals(deleted));
            }
            if (i < committedOps) {
                for (GroupOffset o : ops.get(i).offsets()) {
                    state.put(List.of(o.group(), o.topic(), o.partition()), o.offset());
                }
            }
        }
        return state.entrySet().stream().map(e -> new GroupOffset((String) e.getKey().get(0),
                (String) e.getKey().get(1), (Integer) e.getKey().get(2), e.getValue())).collect(Collectors.toSet());
    }

    // ---- after more appends and another reopen ----

    /**
     * Checks the log reopened after {@code newOps} more ops (all acknowledged) on a real disk and a clean close: the
     * records read after the crash are where they were (compacted ones may have given way to a later record of their
     * key), the ops the crash lost stay lost, the new ops are all there, the group offsets moved on from where the
     * crash left them, and no offset an {@code fsync: never} topic acknowledged holds another record.
     */
    void checkAfterReopen(Log log, Snapshot before, int firstNewOp) {
        assertTopics(log);
        Map<Key, LogRecord> after = readEverything(log);
        Map<KeyIn, Sent> last = new HashMap<>();
        Set<String> visible = new HashSet<>();
        for (Map.Entry<Key, LogRecord> e : after.entrySet()) {
            Sent s = whole(e.getKey(), e.getValue());
            visible.add(s.value());
            last.put(keyIn(e.getKey(), s), s);
            if (s.op() < firstNewOp) {
                assertThat(e.getValue()).as("I5: the record at %s; before more appends and a reopen it was %s",
                        e.getKey(), before.records().get(e.getKey())).isEqualTo(before.records().get(e.getKey()));
            }
        }
        before.records().forEach((k, r) -> {
            if (!after.containsKey(k)) {
                Sent s = sentByValue.get(r.valueAsString());
                Sent newer = last.get(keyIn(k, s));
                assertThat(s.topic().kind() == Kind.COMPACTED && newer != null && newer.seq() > s.seq())
                        .as("I5: the record at %s (%s) is gone", k, r).isTrue();
            }
        });
        committed = ops.size() - 1;
        for (Op op : ops.subList(firstNewOp, ops.size())) {
            assertVisible(op, visible, last);
        }
        Set<GroupOffset> expected = new HashSet<>(before.groups());
        for (Op op : ops.subList(firstNewOp, ops.size())) {
            for (GroupOffset o : op.offsets()) {
                expected.removeIf(e -> e.group().equals(o.group()) && e.topic().equals(o.topic())
                        && e.partition() == o.partition());
                expected.add(o);
            }
        }
        assertThat(groupOffsets(log)).as("committed group offsets").isEqualTo(expected);
        assertNeverOffsetsNotReused(after);
    }

    /**
     * docs/log-format.md, recovery step 4: the offsets an {@code fsync: never} topic acknowledged before the power
     * loss are never handed out again, so none of them holds a record other than the one acknowledged there.
     *
     * <p>Checked for the ops up to the last one known committed after the crash only: an op that touched
     * {@code fsync: never} topics alone is acknowledged before its commit record is fsynced, and when a power loss
     * takes that record (and no later one was fsynced), recovery does not know the offsets it handed out and hands
     * them out again.
     */
    private void assertNeverOffsetsNotReused(Map<Key, LogRecord> after) {
        ackedAt.forEach((value, at) -> {
            Sent s = sentByValue.get(value);
            LogRecord now = after.get(at);
            if (s.topic().kind() == Kind.NEVER && !s.topic().deleted && s.op() <= committedAtCrash && now != null) {
                assertThat(now.valueAsString()).as("offset %s, acknowledged for record %s of op %d before the crash,"
                        + " now holds another record", at, s.seq(), s.op()).isEqualTo(value);
            }
        });
    }

    // ---- reading the log ----

    /** The log has the live topics with their settings, and the offsets topic. */
    private void assertTopics(Log log) {
        Map<String, TopicConfig> expected = new HashMap<>();
        current.values().forEach(t -> expected.put(t.name(), t.config()));
        Map<String, TopicConfig> actual = new HashMap<>();
        log.topics().stream().filter(t -> !t.name().startsWith("__")).forEach(t -> actual.put(t.name(), t.config()));
        assertThat(actual).as("the topics").isEqualTo(expected);
    }

    /**
     * Every record of every topic, checking that offsets increase, are dense from 0 in plain topics, and that no
     * value appears twice.
     */
    private Map<Key, LogRecord> readEverything(Log log) {
        Map<Key, LogRecord> seen = new LinkedHashMap<>();
        Map<String, Key> byValue = new HashMap<>();
        for (Incarnation t : current.values()) {
            for (int p = 0; p < t.config().partitions(); p++) {
                List<LogRecord> all = LogDisk.readAll(log, t.name(), p);
                for (int i = 0; i < all.size(); i++) {
                    LogRecord r = all.get(i);
                    if (t.kind() == Kind.PLAIN) {
                        assertThat(r.offset()).as("offsets of %s-%d are dense", t, p).isEqualTo(i);
                    } else if (i > 0) {
                        assertThat(r.offset()).as("offsets of %s-%d increase", t, p)
                                .isGreaterThan(all.get(i - 1).offset());
                    }
                    Key k = new Key(t.name(), p, r.offset());
                    Key twice = byValue.put(r.valueAsString(), k);
                    assertThat(twice).as("the value at %s is also at %s", k, twice).isNull();
                    seen.put(k, r);
                }
            }
        }
        return seen;
    }

    /**
     * The sent record that {@code r} is, checking that it is whole, of the live incarnation of its topic, in its
     * partition, and at its acknowledged position if it was acknowledged.
     */
    private Sent whole(Key k, LogRecord r) {
        Sent s = sentByValue.get(r.valueAsString());
        assertThat(s).as("record at %s was never appended: %s", k, r).isNotNull();
        NewRecord n = s.record();
        assertThat(r).as("record at %s", k).isEqualTo(new LogRecord(k.partition(), k.offset(), n.timestampMs(),
                n.key(), n.value(), n.headers()));
        assertThat(k.topic()).as("topic of %s", r).isEqualTo(s.topic().name());
        assertThat(s.topic().deleted).as("record at %s is of %s, deleted before the crash", k, s.topic()).isFalse();
        if (s.partition() >= 0) {
            assertThat(k.partition()).as("partition of %s", r).isEqualTo(s.partition());
        }
        Key at = ackedAt.get(s.value());
        if (at != null) {
            assertThat(k).as("position of record %s of op %d, acknowledged at %s", s.seq(), s.op(), at).isEqualTo(at);
        }
        return s;
    }

    private static Set<GroupOffset> groupOffsets(Log log) {
        Set<GroupOffset> out = new HashSet<>();
        for (String g : GROUPS) {
            out.addAll(log.groupOffsets(g));
        }
        return out;
    }

    private static KeyIn keyIn(Key k, Sent s) {
        return new KeyIn(k.topic(), k.partition(), keyString(s));
    }

    private static KeyIn keyIn(Sent s) {
        return new KeyIn(s.topic().name(), s.partition(), keyString(s));
    }

    private static String keyString(Sent s) {
        return s.record().key() == null ? null : new String(s.record().key(), StandardCharsets.UTF_8);
    }
}
