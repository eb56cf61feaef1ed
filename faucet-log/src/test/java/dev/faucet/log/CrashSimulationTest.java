package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded crash simulation (RELIABILITY.md, harness layer 2; faults F1, F2): a random workload of appends, batch appends
 * and multi-topic commits with consumer-group offsets runs against a {@link FaultyFileSeam}, some acknowledgements
 * awaited and others in flight, until the seam simulates a power loss at a random moment (every file keeps its
 * fsynced bytes and a random prefix of the rest). The log is then closed, reopened on the real disk and checked:
 *
 * <ul>
 *   <li>I1: every commit acknowledged before the crash is there, each record at its acknowledged position with its
 *       key, value, headers and timestamp;</li>
 *   <li>nothing torn or foreign: every record read is one that was appended, whole;</li>
 *   <li>I6: a commit is visible whole or not at all, and the visible commits are a prefix of the submitted ones;</li>
 *   <li>the committed group offsets are those of the last visible commit that set them;</li>
 *   <li>I5: after more appends and another reopen, every offset still holds the same record.</li>
 * </ul>
 *
 * <p>The operations, the crash point in them and the bytes the crash keeps come from the seed; the timing of the log's
 * writer thread does not, so a rerun of a seed replays the workload but may crash at another instant. Rerun one seed
 * with {@code -Dfaucet.firstSeed=N -Dfaucet.seeds=1}; run more with {@code -Dfaucet.seeds=N}.
 */
class CrashSimulationTest {
    private static final long FIRST_SEED = Long.getLong("faucet.firstSeed", 0);
    private static final int SEEDS = Integer.getInteger("faucet.seeds", 1000);
    private static final int TIMEOUT_S = 10;

    @TempDir
    Path tmp;

    @Test
    void shouldKeepEveryAcknowledgedCommitWholeAndServeNothingTornAfterACrashAtARandomMoment() throws Exception {
        ExecutorService closer = Executors.newSingleThreadExecutor();
        long[] totals = new long[4];
        long startNs = System.nanoTime();
        try {
            for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
                Path dir = tmp.resolve("seed-" + seed);
                Simulation sim = new Simulation(seed, dir, closer);
                try {
                    sim.run();
                } catch (Throwable e) {
                    throw new AssertionError("seed " + seed + " failed (" + sim + "): " + e.getMessage()
                            + "\nrerun it with -Dfaucet.firstSeed=" + seed + " -Dfaucet.seeds=1", e);
                }
                sim.addTo(totals);
                LogDisk.deleteTree(dir);
            }
        } finally {
            closer.shutdownNow();
        }
        System.out.printf("%d seeds from %d in %d ms: %d ops submitted before the crashes, %d acknowledged before"
                + " them, %d visible after them, %d files torn%n", SEEDS, FIRST_SEED,
                (System.nanoTime() - startNs) / 1_000_000, totals[0], totals[1], totals[2], totals[3]);
    }

    /** One record as appended, by the operation that appended it. */
    private record Sent(int op, String topic, NewRecord record) {
    }

    /** One append, batch append or commit, and its records' positions once acknowledged. */
    private record Op(int index, List<Sent> records, List<GroupOffset> offsets,
            CompletableFuture<List<RecordPosition>> future) {
    }

    /** Where a record is. */
    private record Key(String topic, int partition, long offset) {
    }

    private static final class Simulation {
        private final long seed;
        private final Path dir;
        private final ExecutorService closer;
        private final Random random;
        private final List<TopicConfig> topics = new ArrayList<>();
        private final List<Op> ops = new ArrayList<>();
        private final Map<String, Sent> sentByValue = new HashMap<>();
        private final Map<Op, List<RecordPosition>> ackedBeforeCrash = new LinkedHashMap<>();
        private final long[] counts = new long[4];
        private LogConfig config;
        private int crashAfter;
        private int awaitPercent = 100;
        private List<Path> torn = List.of();

        Simulation(long seed, Path dir, ExecutorService closer) {
            this.seed = seed;
            this.dir = dir;
            this.closer = closer;
            this.random = new Random(seed);
        }

        void run() throws Exception {
            FaultyFileSeam seam = new FaultyFileSeam(new NoSyncFileSeam());
            config = LogConfig.defaults().withFileSeam(seam)
                    .withJournalBytes(random.nextBoolean() ? 256 + random.nextInt(4096) : 16 << 20)
                    .withIndexIntervalBytes(64 + random.nextInt(4096));
            Log log = Log.open(dir, config);
            createTopics(log);
            int count = 1 + random.nextInt(40);
            awaitPercent = new int[] {0, 10, 50}[random.nextInt(3)];
            crashAfter = random.nextInt(count + 1);
            for (int i = 0; i < crashAfter; i++) {
                submit(log, i);
            }
            // Crash at once (appends in flight), a moment later, or once the writer has likely caught up.
            for (int spins = random.nextInt(new int[] {1, 2_000, 200_000}[random.nextInt(3)]); spins > 0; spins--) {
                Thread.onSpinWait();
            }
            for (Op op : ops) {
                if (op.future().isDone() && !op.future().isCompletedExceptionally()) {
                    ackedBeforeCrash.put(op, op.future().join());
                }
            }
            torn = seam.crash(new Random(seed * 31 + 7));
            counts[0] = ops.size();
            counts[1] = ackedBeforeCrash.size();
            counts[3] = torn.size();
            closeWithinTimeout(log);
            for (Op op : ops) {
                awaitOutcome(op.future());
            }
            Map<Key, LogRecord> seen = check(Log.open(dir));
            continueAndReopen(seen);
        }

        private void createTopics(Log log) {
            for (int t = 1 + random.nextInt(3); t > 0; t--) {
                TopicConfig c = TopicConfig.of("t" + t, 1 + random.nextInt(3));
                if (random.nextBoolean()) {
                    c = c.withSegments(4096, Duration.ofDays(7));
                }
                log.createTopic(c);
                topics.add(c);
            }
        }

        // ---- the workload ----

        private void submit(Log log, int index) throws Exception {
            int kind = random.nextInt(3);
            List<Sent> records = new ArrayList<>();
            List<GroupOffset> offsets = new ArrayList<>();
            CompletableFuture<List<RecordPosition>> f;
            if (kind == 0) {
                TopicConfig t = randomTopic();
                records.add(sent(index, t, 0));
                f = log.append(t.name(), records.get(0).record()).thenApply(List::of);
            } else if (kind == 1) {
                TopicConfig t = randomTopic();
                for (int i = 1 + random.nextInt(6); i > 0; i--) {
                    records.add(sent(index, t, records.size()));
                }
                f = log.append(t.name(), records.stream().map(Sent::record).toList());
            } else {
                f = log.commit(commit(index, records, offsets)).thenApply(Simulation::flatten);
            }
            Op op = new Op(index, List.copyOf(records), List.copyOf(offsets), f);
            ops.add(op);
            records.forEach(s -> sentByValue.put(value(s.record()), s));
            if (random.nextInt(100) < awaitPercent) {
                f.get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }

        /** A commit to one to three topics (in topic order, each once) and one or two group offsets. */
        private Commit commit(int index, List<Sent> records, List<GroupOffset> offsets) {
            Commit.Builder b = Commit.builder();
            for (TopicConfig t : topics) {
                if (random.nextInt(3) > 0 || (t == topics.get(topics.size() - 1) && records.isEmpty())) {
                    List<NewRecord> part = new ArrayList<>();
                    for (int i = 1 + random.nextInt(3); i > 0; i--) {
                        Sent s = sent(index, t, records.size());
                        records.add(s);
                        part.add(s.record());
                    }
                    b.append(t.name(), part);
                }
            }
            for (int i = 1 + random.nextInt(2); i > 0; i--) {
                TopicConfig t = randomTopic();
                GroupOffset o = new GroupOffset("g" + random.nextInt(2), t.name(), random.nextInt(t.partitions()),
                        index);
                b.offset(o.group(), o.topic(), o.partition(), o.offset());
                offsets.add(o);
            }
            return b.build();
        }

        private Sent sent(int op, TopicConfig t, int n) {
            String value = "s" + seed + "-op" + op + "-r" + n + "-" + "x".repeat(random.nextInt(300));
            byte[] key = switch (random.nextInt(3)) {
                case 0 -> null;
                case 1 -> new byte[0];
                default -> ("k" + random.nextInt(10)).getBytes(StandardCharsets.UTF_8);
            };
            List<Header> headers = List.of(Header.of("op", Integer.toString(op)), new Header("n", random.nextBoolean()
                    ? null : Integer.toString(n).getBytes(StandardCharsets.UTF_8)));
            int partition = random.nextBoolean() ? random.nextInt(t.partitions()) : NewRecord.ANY_PARTITION;
            NewRecord r = new NewRecord(key, value.getBytes(StandardCharsets.UTF_8), headers,
                    random.nextLong(2_000_000_000_000L), partition);
            return new Sent(op, t.name(), r);
        }

        private TopicConfig randomTopic() {
            return topics.get(random.nextInt(topics.size()));
        }

        private static List<RecordPosition> flatten(CommitResult r) {
            return r.positions().stream().flatMap(List::stream).toList();
        }

        private static String value(NewRecord r) {
            return new String(r.value(), StandardCharsets.UTF_8);
        }

        // ---- crash and close ----

        private void closeWithinTimeout(Log log) throws Exception {
            Future<?> closing = closer.submit(() -> {
                log.close();
                return null;
            });
            try {
                closing.get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("Log.close() after the crash did not return within " + TIMEOUT_S + " s", e);
            } catch (ExecutionException e) {
                // The disk is gone: close may report that, as an I/O error and nothing else.
                assertThat(e.getCause()).as("Log.close() after the crash").isInstanceOf(IOException.class);
            }
        }

        private static void awaitOutcome(CompletableFuture<List<RecordPosition>> f) throws Exception {
            try {
                f.get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOfSatisfying(LogException.class, le -> assertThat(le.kind())
                        .as(le.getMessage()).isIn(LogException.Kind.FAILED, LogException.Kind.CLOSED));
            } catch (TimeoutException e) {
                throw new AssertionError("an append never completed after the crash", e);
            }
        }

        // ---- checks ----

        /** Checks the reopened log against what was sent, closes it, and returns every record it holds. */
        private Map<Key, LogRecord> check(Log log) throws IOException {
            try (log) {
                Map<Key, LogRecord> seen = readEverything(log);
                Map<Integer, Integer> visiblePerOp = new HashMap<>();
                for (Map.Entry<Key, LogRecord> e : seen.entrySet()) {
                    Sent s = whole(e.getKey(), e.getValue());
                    visiblePerOp.merge(s.op(), 1, Integer::sum);
                }
                int prefix = 0;
                for (Op op : ops) {
                    int visible = visiblePerOp.getOrDefault(op.index(), 0);
                    assertThat(visible).as("records of op %d visible (all or none)", op.index())
                            .isIn(0, op.records().size());
                    if (visible > 0) {
                        assertThat(op.index()).as("the visible ops must be a prefix of the submitted ones")
                                .isEqualTo(prefix);
                        prefix++;
                    }
                }
                ackedBeforeCrash.forEach((op, positions) -> assertAckedInPlace(seen, op, positions));
                assertGroupOffsets(log, prefix);
                return seen;
            }
        }

        /** Every record of every topic, checking that offsets are dense and that no value appears twice. */
        private Map<Key, LogRecord> readEverything(Log log) {
            Map<Key, LogRecord> seen = new LinkedHashMap<>();
            Map<String, Key> byValue = new HashMap<>();
            for (TopicConfig t : topics) {
                for (int p = 0; p < t.partitions(); p++) {
                    List<LogRecord> all = LogDisk.readAll(log, t.name(), p);
                    for (int i = 0; i < all.size(); i++) {
                        LogRecord r = all.get(i);
                        assertThat(r.offset()).as("offsets of %s-%d are dense", t.name(), p).isEqualTo(i);
                        Key k = new Key(t.name(), p, r.offset());
                        Key twice = byValue.put(r.valueAsString(), k);
                        assertThat(twice).as("the value at %s is also at %s", k, twice).isNull();
                        seen.put(k, r);
                    }
                }
            }
            return seen;
        }

        /** The sent record that {@code r} is, checking that it is whole and where it may be. */
        private Sent whole(Key k, LogRecord r) {
            Sent s = sentByValue.get(r.valueAsString());
            assertThat(s).as("record at %s was never appended: %s", k, r).isNotNull();
            NewRecord n = s.record();
            assertThat(r).as("record at %s", k).isEqualTo(new LogRecord(k.partition(), k.offset(), n.timestampMs(),
                    n.key(), n.value(), n.headers()));
            assertThat(k.topic()).as("topic of %s", r).isEqualTo(s.topic());
            if (n.partition() != NewRecord.ANY_PARTITION) {
                assertThat(k.partition()).as("partition of %s", r).isEqualTo(n.partition());
            }
            return s;
        }

        private static void assertAckedInPlace(Map<Key, LogRecord> seen, Op op, List<RecordPosition> positions) {
            assertThat(positions).hasSameSizeAs(op.records());
            for (int i = 0; i < positions.size(); i++) {
                Sent s = op.records().get(i);
                Key k = new Key(s.topic(), positions.get(i).partition(), positions.get(i).offset());
                LogRecord r = seen.get(k);
                assertThat(r).as("acknowledged record %d of op %d at %s", i, op.index(), k).isNotNull();
                assertThat(r.value()).as("acknowledged record %d of op %d at %s", i, op.index(), k)
                        .isEqualTo(s.record().value());
            }
        }

        /** Each group offset is the one the last visible op set, or absent when no visible op set it. */
        private void assertGroupOffsets(Log log, int visibleOps) {
            Map<List<Object>, Long> expected = new HashMap<>();
            for (Op op : ops) {
                for (GroupOffset o : op.offsets()) {
                    List<Object> key = List.of(o.group(), o.topic(), o.partition());
                    expected.putIfAbsent(key, -1L);
                    if (op.index() < visibleOps) {
                        expected.put(key, o.offset());
                    }
                }
            }
            expected.forEach((key, offset) -> assertThat(log.committedOffset((String) key.get(0),
                    (String) key.get(1), (Integer) key.get(2))).as("committed offset of %s", key)
                    .isEqualTo(offset < 0 ? OptionalLong.empty() : OptionalLong.of(offset)));
        }

        // ---- after the crash ----

        /** Appends more on the real disk, reopens, and checks that every offset seen still holds its record. */
        private void continueAndReopen(Map<Key, LogRecord> before) throws Exception {
            ackedBeforeCrash.clear();
            int visible = (int) before.values().stream().map(r -> sentByValue.get(r.valueAsString()).op()).distinct()
                    .count();
            // The ops the crash lost stay lost: should one of their records ever appear, it is "never appended".
            for (Op lost : ops.subList(visible, ops.size())) {
                lost.records().forEach(s -> sentByValue.remove(value(s.record())));
            }
            ops.subList(visible, ops.size()).clear();
            counts[2] = visible;
            try (Log log = Log.open(dir)) {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    submit(log, ops.size());
                    Op op = ops.get(ops.size() - 1);
                    ackedBeforeCrash.put(op, op.future().get(TIMEOUT_S, TimeUnit.SECONDS));
                }
            }
            Map<Key, LogRecord> after = check(Log.open(dir));
            before.forEach((k, r) -> assertThat(after.get(k)).as("I5: the record at %s", k).isEqualTo(r));
        }

        void addTo(long[] totals) {
            for (int i = 0; i < totals.length; i++) {
                totals[i] += counts[i];
            }
        }

        @Override
        public String toString() {
            return topics.size() + " topics " + topics.stream().map(t -> t.name() + "/" + t.partitions() + "p/"
                    + (t.segmentBytes() == 4096 ? "4KiB" : "big")).toList() + ", journal " + (config == null ? "?"
                    : config.journalBytes()) + " B, " + ops.size() + " ops, crash after op " + crashAfter
                    + ", acknowledged before the crash " + ackedBeforeCrash.size() + ", torn files " + torn.size();
        }
    }
}
