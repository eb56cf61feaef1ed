package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failing fsync (EIO, RELIABILITY.md F5) and a disk that fills up mid-write (ENOSPC, F4), injected through
 * {@link FaultyFileSeam}: the log fails closed, acknowledges nothing more, keeps serving what was committed, and a
 * reopen with the real disk recovers every acknowledged record and nothing torn. Unacknowledged records may be present
 * after the reopen, but only whole.
 */
class FsyncFailureTest {
    private static final long SEED = Long.getLong("faucet.seed", 20_261_127L);
    private static final String TOPIC = "t";

    @TempDir
    Path dir;

    /** What the test wrote and how each append ended: value to position, for the acknowledged ones. */
    private final Map<String, RecordPosition> acked = new HashMap<>();

    @ParameterizedTest(name = "fsync number {0} fails")
    @ValueSource(ints = {0, 1})
    void shouldFailClosedAndKeepServingCommittedReadsWhenFsyncFails(int okForces) throws Exception {
        FaultyFileSeam seam = new FaultyFileSeam();
        try (Log log = Log.open(dir, c -> c.withFileSeam(seam))) {
            log.createTopic(TopicConfig.of(TOPIC, 2));
            appendAcked(log, 10);
            seam.failForceAfter(okForces);
            CompletableFuture<RecordPosition> failed = log.append(TOPIC, record("lost", 0));
            assertFailedClosed(failed);
            assertThat(log.state()).isEqualTo(LogState.FAILED);
            assertFailedClosed(log.append(TOPIC, record("later", 1)));
            assertFailedClosed(log.commit(Commit.builder().append(TOPIC, List.of(record("later-commit", 0)))
                    .offset("g", TOPIC, 0, 1).build()));
            assertThat(visible(log)).as("reads of committed data still work, and see nothing else")
                    .isEqualTo(acked);
        }
        try (Log log = Log.open(dir)) {
            Map<String, RecordPosition> visible = visible(log);
            assertThat(visible).containsAllEntriesOf(acked).doesNotContainKeys("later", "later-commit");
            // The failed append was never acknowledged; after the segment's fsync failed it cannot be committed, after
            // the journal's it may be (its commit record reached the page cache), but then whole and in its place.
            if (okForces == 0) {
                assertThat(visible).doesNotContainKey("lost");
            }
            assertThat(visible.size()).isIn(acked.size(), acked.size() + 1);
            appendAcked(log, 5);
        }
        try (Log log = Log.open(dir)) {
            assertThat(visible(log)).containsAllEntriesOf(acked);
        }
    }

    @Test
    void shouldLeaveNothingPartialWhenTheDiskFillsUpMidWrite() throws Exception {
        Random random = new Random(SEED);
        for (int trial = 0; trial < 12; trial++) {
            long okBytes = random.nextInt(trial < 6 ? 600 : 6000);
            String why = "seed " + SEED + ", trial " + trial + ": disk full after " + okBytes + " bytes";
            Path data = dir.resolve("full-" + trial);
            acked.clear();
            FaultyFileSeam seam = new FaultyFileSeam();
            String failedValue = null;
            long lastAckedCommit = -1;
            try (Log log = Log.open(data, c -> c.withFileSeam(seam))) {
                log.createTopic(TopicConfig.of(TOPIC, 2));
                appendAcked(log, 5);
                seam.failWritesAfter(okBytes);
                for (int i = 0; i < 100 && failedValue == null; i++) {
                    String value = "v" + i + "-" + "x".repeat(random.nextInt(100));
                    CompletableFuture<CommitResult> f = log.commit(Commit.builder()
                            .append(TOPIC, List.of(record(value + "/0", 0), record(value + "/1", 1)))
                            .offset("g", TOPIC, 0, i).build());
                    try {
                        List<RecordPosition> positions = f.get(10, TimeUnit.SECONDS).positions().get(0);
                        acked.put(value + "/0", positions.get(0));
                        acked.put(value + "/1", positions.get(1));
                        lastAckedCommit = i;
                    } catch (ExecutionException e) {
                        assertFailedClosed(f);
                        failedValue = value;
                    }
                }
                assertThat(failedValue).as(why + ": an append must fail").isNotNull();
                assertThat(log.state()).as(why).isEqualTo(LogState.FAILED);
                assertThat(visible(log)).as(why + ": in the failed log").isEqualTo(acked);
            }
            try (Log log = Log.open(data)) {
                assertThat(visible(log)).as(why + ": after reopening").isEqualTo(acked);
                assertThat(log.committedOffset("g", TOPIC, 0)).as(why).isEqualTo(lastAckedCommit < 0
                        ? OptionalLong.empty() : OptionalLong.of(lastAckedCommit));
            }
        }
    }

    @Test
    void shouldCompleteEveryAppendAndAcknowledgeNothingAfterAFailureWhenFsyncFailsUnderLoad() throws Exception {
        Random random = new Random(SEED);
        for (int round = 0; round < 6; round++) {
            Path data = dir.resolve("load-" + round);
            int okForces = 5 + random.nextInt(150);
            String why = "seed " + SEED + ", round " + round + ": fsync fails after " + okForces;
            acked.clear();
            FaultyFileSeam seam = new FaultyFileSeam();
            List<Outcome> outcomes;
            try (Log log = Log.open(data, c -> c.withFileSeam(seam))) {
                log.createTopic(TopicConfig.of(TOPIC, 4));
                seam.failForceAfter(okForces);
                outcomes = appendFromThreads(log, 8, round, why);
                assertThat(log.state()).as(why).isEqualTo(LogState.FAILED);
            }
            List<Outcome> afterFailure = outcomes.stream().filter(Outcome::submittedAfterAFailure).toList();
            assertThat(afterFailure).as(why + ": appended after a failure was seen").isNotEmpty()
                    .allMatch(o -> o.position() == null);
            outcomes.stream().filter(o -> o.position() != null).forEach(o -> acked.put(o.value(), o.position()));
            try (Log log = Log.open(data)) {
                Map<String, RecordPosition> visible = visible(log);
                assertThat(visible).as(why).containsAllEntriesOf(acked);
                assertThat(visible.keySet()).as(why + ": only what was appended")
                        .isSubsetOf(outcomes.stream().map(Outcome::value).toList());
            }
        }
    }

    /** How one append of the load test ended: its position when acknowledged, null when it failed. */
    private record Outcome(String value, boolean submittedAfterAFailure, RecordPosition position) {
    }

    private static List<Outcome> appendFromThreads(Log log, int threads, int round, String why) throws Exception {
        AtomicBoolean failureSeen = new AtomicBoolean();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<CompletableFuture<?>> futures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    start.await();
                    appendUntilFailed(log, "r" + round + "-w" + thread, failureSeen, outcomes, futures);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                    .get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(futures).as(why + ": every append completes").allMatch(CompletableFuture::isDone);
        return List.copyOf(outcomes);
    }

    /** Appends with up to 16 in flight until this thread has seen a failure (and made a few more attempts). */
    private static void appendUntilFailed(Log log, String prefix, AtomicBoolean failureSeen,
            ConcurrentLinkedQueue<Outcome> outcomes, ConcurrentLinkedQueue<CompletableFuture<?>> futures)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(16);
        int afterFailure = 0;
        for (int seq = 0; seq < 5000 && afterFailure < 5; seq++) {
            inFlight.acquire();
            boolean late = failureSeen.get();
            afterFailure += late ? 1 : 0;
            String value = prefix + "-" + seq;
            CompletableFuture<RecordPosition> f = log.append(TOPIC, NewRecord.of(null, value).withTimestamp(seq));
            futures.add(f);
            f.whenComplete((position, error) -> {
                if (error != null) {
                    failureSeen.set(true);
                }
                outcomes.add(new Outcome(value, late, error == null ? position : null));
                inFlight.release();
            });
        }
    }

    // ---- fixtures ----

    private void appendAcked(Log log, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String value = "acked-" + acked.size();
            acked.put(value, log.append(TOPIC, record(value, i % 2)).get(10, TimeUnit.SECONDS));
        }
    }

    private static NewRecord record(String value, int partition) {
        return NewRecord.of("k", value).withHeaders(List.of(Header.of("h", value))).withTimestamp(42)
                .toPartition(partition);
    }

    /** Every record of the topic, by value; checks that each is whole (header and timestamp as written). */
    private static Map<String, RecordPosition> visible(Log log) {
        Map<String, RecordPosition> out = new HashMap<>();
        for (int p = 0; p < log.topic(TOPIC).orElseThrow().partitions().size(); p++) {
            for (LogRecord r : LogDisk.readAll(log, TOPIC, p)) {
                if (r.headers().isEmpty()) {
                    assertThat(r.timestampMs()).as(r.toString()).isGreaterThanOrEqualTo(0);
                } else {
                    assertThat(r.headers()).as(r.toString()).containsExactly(Header.of("h", r.valueAsString()));
                    assertThat(r.timestampMs()).as(r.toString()).isEqualTo(42);
                }
                assertThat(out.put(r.valueAsString(), new RecordPosition(p, r.offset()))).as("duplicate " + r)
                        .isNull();
            }
        }
        return out;
    }

    private static void assertFailedClosed(CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(LogException.class,
                        e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(LogException.Kind.FAILED));
    }
}
