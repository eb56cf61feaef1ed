package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.log.CrashHistory.Incarnation;
import dev.faucet.log.CrashHistory.Kind;
import dev.faucet.log.CrashHistory.Op;
import dev.faucet.log.CrashHistory.Sent;
import dev.faucet.log.CrashHistory.Snapshot;
import dev.faucet.log.format.RecordBatchDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded crash simulation (RELIABILITY.md, harness layer 2; faults F1, F2): a random workload of appends, batch appends
 * and multi-topic commits with consumer-group offsets runs against a {@link FaultyFileSeam}, some acknowledgements
 * awaited and others in flight, until the seam simulates a power loss at a random moment (every file keeps its
 * fsynced bytes and a random prefix of the rest). The log is then closed, reopened on the real files (without fsyncs:
 * nothing crashes after this, and the disk is shared with benchmarks) and checked ({@link CrashHistory} holds the
 * model and the checks):
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
 * <p>Each seed may also, at random:
 * <ul>
 *   <li>delete a topic and create it again under the same name, during the workload or racing the crash: no record
 *       of the deleted incarnation comes back, the new one keeps what it acknowledged, and the deleted topic's group
 *       offsets are gone, also when the crash cut the deletion short and the topic is created again after it;</li>
 *   <li>have a compacted topic with 4 KiB segments and a cleaner that runs every millisecond, so that compaction
 *       races the workload and the crash: a record may then be missing when a later record of its key is there, and
 *       the last record of each key is the latest acknowledged one or a newer one that was in flight;</li>
 *   <li>have an {@code fsync: never} topic: what it serves was appended, whole, at its acknowledged offset; its
 *       acknowledged tail may be lost, but what was read after the crash stays after more appends and a reopen,
 *       and no offset it acknowledged before the crash holds another record afterwards (docs/log-format.md).</li>
 * </ul>
 *
 * <p>The operations, the crash point in them and the bytes the crash keeps come from the seed; the timing of the log's
 * writer and cleaner threads does not, so a rerun of a seed replays the workload but may crash at another instant.
 * Rerun one seed with {@code -Dfaucet.firstSeed=N -Dfaucet.seeds=1}; run more with {@code -Dfaucet.seeds=N}.
 */
class CrashSimulationTest {
    private static final long FIRST_SEED = Long.getLong("faucet.firstSeed", 0);
    private static final int SEEDS = Integer.getInteger("faucet.seeds", 1000);
    private static final int TIMEOUT_S = 10;
    private static final String[] COUNTS = {"ops submitted before the crashes", "acknowledged before them",
        "committed after them", "files torn", "topics deleted and recreated", "seeds with a compacted topic",
        "of them compacted before the crash", "compacted when checked after it", "seeds with an fsync: never topic",
        "of them lost acknowledged records", "deletions racing the crash", "of them left deleted",
        "left created again"};

    @TempDir
    Path tmp;

    @Test
    void shouldKeepEveryAcknowledgedCommitWholeAndServeNothingTornAfterACrashAtARandomMoment() throws Exception {
        ExecutorService helpers = Executors.newFixedThreadPool(2);
        long[] totals = new long[COUNTS.length];
        long startNs = System.nanoTime();
        try {
            for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
                Path dir = tmp.resolve("seed-" + seed);
                Simulation sim = new Simulation(seed, dir, helpers);
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
            helpers.shutdownNow();
        }
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < COUNTS.length; i++) {
            counts.append(i == 0 ? "" : ", ").append(totals[i]).append(' ').append(COUNTS[i]);
        }
        System.out.printf("%d seeds from %d in %d ms: %s%n", SEEDS, FIRST_SEED,
                (System.nanoTime() - startNs) / 1_000_000, counts);
    }

    private static final class Simulation {
        private final long seed;
        private final Path dir;
        /** Threads for a deletion that races the crash, and for closing the log after it. */
        private final ExecutorService helpers;
        private final Random random;
        private final CrashHistory history = new CrashHistory();
        private final long[] counts = new long[COUNTS.length];
        private final boolean compacted;
        private final boolean never;
        private final int deletions;
        /** Whether the last deletion (and creation again) runs on another thread, racing the crash. */
        private final boolean racing;
        private Incarnation victim;
        private TopicConfig again;
        private CrashHistory.Raced raced;
        private LogConfig config;
        private int crashAfter = -1;
        private int awaitPercent = 100;
        /** Whether the workload runs towards the crash (rather than on after it). */
        private boolean crashing = true;
        private List<Path> torn = List.of();

        Simulation(long seed, Path dir, ExecutorService helpers) {
            this.seed = seed;
            this.dir = dir;
            this.helpers = helpers;
            this.random = new Random(seed);
            this.compacted = random.nextInt(3) == 0;
            this.never = random.nextInt(3) == 0;
            this.deletions = random.nextInt(3) > 0 ? 0 : random.nextInt(4) > 0 ? 1 : 2;
            this.racing = deletions > 0 && random.nextBoolean();
        }

        void run() throws Exception {
            FaultyFileSeam seam = new FaultyFileSeam(new NoSyncFileSeam());
            config = logConfig(LogConfig.defaults().withFileSeam(seam)
                    .withJournalBytes(random.nextBoolean() ? 256 + random.nextInt(4096) : 16 << 20)
                    .withIndexIntervalBytes(64 + random.nextInt(4096)));
            Log log = Log.open(dir, config);
            createTopics(log);
            workload(log);
            Future<?> deletion = racing ? raceDeletion(log) : null;
            crash(log, seam);
            awaitOutcome(deletion);
            counts[6] = compactedOnDisk() ? 1 : 0;
            Snapshot afterCrash;
            try (Log reopened = Log.open(dir, logConfig(LogConfig.defaults().withFileSeam(new NoSyncFileSeam())))) {
                if (racing) {
                    raced = history.settle(victim.name(), again, reopened.topic(victim.name())
                            .map(TopicInfo::config).orElse(null));
                }
                afterCrash = history.checkAfterCrash(reopened);
            }
            count(afterCrash);
            continueAndReopen(afterCrash);
        }

        /** Up to 40 ops, some awaited, with deletions (and creations again) of topics between them. */
        private void workload(Log log) throws Exception {
            int count = 1 + random.nextInt(40);
            awaitPercent = new int[] {0, 10, 50}[random.nextInt(3)];
            crashAfter = random.nextInt(count + 1);
            List<Integer> deleteBefore = new ArrayList<>();
            for (int i = racing ? 1 : 0; i < deletions; i++) {
                deleteBefore.add(random.nextInt(crashAfter + 1));
            }
            for (int i = 0; i <= crashAfter; i++) {
                for (int before : deleteBefore) {
                    if (before == i) {
                        deleteAndRecreate(log);
                    }
                }
                if (i < crashAfter) {
                    submit(log, i);
                }
            }
        }

        /** Deletes a topic and creates it again with other settings, on another thread, so that it races the crash. */
        private Future<?> raceDeletion(Log log) {
            victim = randomTopic();
            again = otherConfig(victim);
            return helpers.submit(() -> {
                log.deleteTopic(victim.name());
                log.createTopic(again);
                return null;
            });
        }

        /** With a compacted topic, the cleaner runs every millisecond, so that it races the workload and the crash. */
        private LogConfig logConfig(LogConfig c) {
            return compacted ? c.withMaintenance(Duration.ofMillis(1), Duration.ofDays(1)) : c;
        }

        private void createTopics(Log log) {
            for (int t = 1 + random.nextInt(compacted || never ? 2 : 3); t > 0; t--) {
                create(log, topicConfig("t" + t, Kind.PLAIN));
            }
            if (compacted) {
                create(log, topicConfig("c", Kind.COMPACTED));
            }
            if (never) {
                create(log, topicConfig("n", Kind.NEVER));
            }
        }

        private TopicConfig topicConfig(String name, Kind kind) {
            TopicConfig c = TopicConfig.of(name, 1 + random.nextInt(kind == Kind.COMPACTED ? 2 : 3));
            if (kind == Kind.COMPACTED || random.nextBoolean()) {
                c = c.withSegments(4096, Duration.ofDays(7));
            }
            return kind == Kind.COMPACTED ? c.withCompaction(true)
                    : kind == Kind.NEVER ? c.withFsync(FsyncPolicy.NEVER) : c;
        }

        /** Settings for creating {@code t}'s topic again that differ from its own: other partitions. */
        private TopicConfig otherConfig(Incarnation t) {
            TopicConfig c = topicConfig(t.name(), t.kind());
            int partitions = t.config().partitions() % (t.kind() == Kind.COMPACTED ? 2 : 3) + 1;
            return new TopicConfig(c.name(), partitions, c.retentionTime(), c.retentionBytes(), c.compact(), c.fsync(),
                    c.segmentBytes(), c.segmentAge());
        }

        private void create(Log log, TopicConfig c) {
            log.createTopic(c);
            history.create(c);
        }

        // ---- the workload ----

        /** Deletes a random topic (its appends may be in flight) and creates it again, maybe with other partitions. */
        private void deleteAndRecreate(Log log) {
            Incarnation t = randomTopic();
            log.deleteTopic(t.name());
            history.delete(t.name());
            create(log, topicConfig(t.name(), t.kind()));
        }

        private Op submit(Log log, int index) throws Exception {
            int kind = random.nextInt(3);
            List<Sent> records = new ArrayList<>();
            List<GroupOffset> offsets = new ArrayList<>();
            CompletableFuture<List<RecordPosition>> f;
            if (kind == 0) {
                Incarnation t = randomTopic();
                records.add(sent(index, t, 0));
                f = log.append(t.name(), records.get(0).record()).thenApply(List::of);
            } else if (kind == 1) {
                Incarnation t = randomTopic();
                for (int i = 1 + random.nextInt(6); i > 0; i--) {
                    records.add(sent(index, t, records.size()));
                }
                f = log.append(t.name(), records.stream().map(Sent::record).toList());
            } else {
                f = log.commit(commit(index, records, offsets)).thenApply(Simulation::flatten);
            }
            Op op = new Op(index, List.copyOf(records), List.copyOf(offsets), f);
            history.add(op);
            if (random.nextInt(100) < awaitPercent) {
                f.get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            if (compacted && crashing && random.nextInt(4) == 0) {
                LockSupport.parkNanos(100_000 + random.nextInt(1_500_000)); // the cleaner gets a turn
            }
            return op;
        }

        /** A commit to one to all topics (in topic order, each once) and one or two group offsets. */
        private Commit commit(int index, List<Sent> records, List<GroupOffset> offsets) {
            Commit.Builder b = Commit.builder();
            List<Incarnation> topics = history.topics();
            for (Incarnation t : topics) {
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
                TopicConfig t = randomTopic().config();
                GroupOffset o = new GroupOffset(CrashHistory.GROUPS.get(random.nextInt(CrashHistory.GROUPS.size())),
                        t.name(), random.nextInt(t.partitions()), index);
                b.offset(o.group(), o.topic(), o.partition(), o.offset());
                offsets.add(o);
            }
            return b.build();
        }

        /** A record with a unique value; in a compacted topic always keyed, by one of five keys (one is empty). */
        private Sent sent(int op, Incarnation t, int n) {
            boolean table = t.kind() == Kind.COMPACTED;
            String value = "s" + seed + "-op" + op + "-r" + n + "-" + "x".repeat(random.nextInt(table ? 1500 : 300));
            int keyKind = table ? 1 + random.nextInt(2) : random.nextInt(3);
            byte[] key = switch (keyKind) {
                case 0 -> null;
                case 1 -> new byte[0];
                default -> ("k" + random.nextInt(table ? 4 : 10)).getBytes(StandardCharsets.UTF_8);
            };
            List<Header> headers = List.of(Header.of("op", Integer.toString(op)), new Header("n", random.nextBoolean()
                    ? null : Integer.toString(n).getBytes(StandardCharsets.UTF_8)));
            int partition = random.nextBoolean() ? random.nextInt(t.config().partitions()) : NewRecord.ANY_PARTITION;
            NewRecord r = new NewRecord(key, value.getBytes(StandardCharsets.UTF_8), headers,
                    random.nextLong(2_000_000_000_000L), partition);
            return history.sent(op, t, r);
        }

        /** Any topic; in a seed with a compacted topic, that one half of the time, so that it rolls segments. */
        private Incarnation randomTopic() {
            List<Incarnation> topics = history.topics();
            Incarnation t = topics.get(random.nextInt(topics.size()));
            return compacted && random.nextBoolean() ? topics.stream().filter(i -> i.kind() == Kind.COMPACTED)
                    .findFirst().orElseThrow() : t;
        }

        private static List<RecordPosition> flatten(CommitResult r) {
            return r.positions().stream().flatMap(List::stream).toList();
        }

        // ---- crash and close ----

        /** Crashes at once (appends in flight), a moment later, or once the writer has likely caught up. */
        private void crash(Log log, FaultyFileSeam seam) throws Exception {
            for (int spins = random.nextInt(new int[] {1, 2_000, 200_000}[random.nextInt(3)]); spins > 0; spins--) {
                Thread.onSpinWait();
            }
            for (Op op : history.ops()) {
                if (op.future().isDone() && !op.future().isCompletedExceptionally()) {
                    history.acknowledge(op, op.future().join());
                }
            }
            torn = seam.crash(new Random(seed * 31 + 7));
            counts[0] = history.ops().size();
            counts[1] = history.ackedCount();
            counts[3] = torn.size();
            counts[4] = history.deletionCount();
            closeWithinTimeout(log);
            for (Op op : history.ops()) {
                awaitOutcome(op.future());
            }
        }

        /**
         * Whether the cleaner swapped a compacted segment in before the crash: a closed segment of the compacted topic
         * is empty or holds a batch the cleaner wrote (commit id 0; the writer's commit ids start at 1).
         */
        private boolean compactedOnDisk() throws IOException {
            for (Incarnation t : history.topics()) {
                for (int p = 0; t.kind() == Kind.COMPACTED && p < t.config().partitions(); p++) {
                    if (!Files.isDirectory(LogDisk.partitionDir(dir, t.name(), p))) {
                        continue; // deleted by a deletion that raced the crash
                    }
                    List<Path> segments = LogDisk.segments(dir, t.name(), p);
                    for (Path segment : segments.subList(0, Math.max(0, segments.size() - 1))) {
                        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
                        List<LogDisk.Batch> batches = LogDisk.batches(segment);
                        if (batches.isEmpty() || batches.stream().anyMatch(b -> b.end() <= bytes.limit()
                                && bytes.getLong((int) b.position() + RecordBatchDescriptor.COMMIT_ID_OFFSET) == 0)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        private void closeWithinTimeout(Log log) throws Exception {
            Future<?> closing = helpers.submit(() -> {
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

        /** Waits for an operation that the crash may have failed; it must end, and only as a system failure. */
        private static void awaitOutcome(Future<?> f) throws Exception {
            if (f == null) {
                return;
            }
            try {
                f.get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOfSatisfying(LogException.class, le -> assertThat(le.kind())
                        .as(le.getMessage()).isIn(LogException.Kind.FAILED, LogException.Kind.CLOSED));
            } catch (TimeoutException e) {
                throw new AssertionError("an operation never completed after the crash", e);
            }
        }

        // ---- after the crash ----

        /**
         * Appends more on the real files (every op acknowledged), reopens, and checks again. A topic whose deletion
         * raced the crash and won is created again first: it must not find the deleted topic's group offsets.
         */
        private void continueAndReopen(Snapshot afterCrash) throws Exception {
            int firstNew = history.ops().size();
            crashing = false;
            try (Log log = Log.open(dir, LogConfig.defaults().withFileSeam(new NoSyncFileSeam()))) {
                if (raced == CrashHistory.Raced.DELETED) {
                    create(log, again);
                }
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    submit(log, history.ops().size());
                }
                for (Op op : history.ops().subList(firstNew, history.ops().size())) {
                    history.acknowledge(op, op.future().get(TIMEOUT_S, TimeUnit.SECONDS));
                }
            }
            try (Log log = Log.open(dir, LogConfig.defaults().withFileSeam(new NoSyncFileSeam()))) {
                history.checkAfterReopen(log, afterCrash, firstNew);
            }
        }

        private void count(Snapshot afterCrash) {
            counts[2] = history.committedOps();
            counts[5] = compacted ? 1 : 0;
            counts[8] = never ? 1 : 0;
            Map<String, Long> records = new HashMap<>();
            Map<String, Long> span = new HashMap<>();
            afterCrash.records().keySet().forEach(k -> {
                records.merge(k.topic() + "-" + k.partition(), 1L, Long::sum);
                span.merge(k.topic() + "-" + k.partition(), k.offset() + 1, Math::max);
            });
            counts[7] = span.entrySet().stream().anyMatch(e -> e.getKey().startsWith("c-")
                    && e.getValue() > records.get(e.getKey())) ? 1 : 0;
            counts[9] = history.lostNeverRecords(afterCrash) > 0 ? 1 : 0;
            counts[10] = racing ? 1 : 0;
            counts[11] = raced == CrashHistory.Raced.DELETED ? 1 : 0;
            counts[12] = raced == CrashHistory.Raced.CREATED_AGAIN ? 1 : 0;
        }

        void addTo(long[] totals) {
            for (int i = 0; i < totals.length; i++) {
                totals[i] += counts[i];
            }
        }

        @Override
        public String toString() {
            return history.topics() + ", " + deletions + " deletions" + (racing ? " (the last racing the crash: "
                    + raced + ")" : "") + ", journal " + (config == null ? "?"
                    : config.journalBytes()) + " B, " + history.ops().size() + " ops, crash after op " + crashAfter
                    + ", acknowledged before the crash " + history.ackedCount() + ", torn files " + torn.size();
        }
    }
}
