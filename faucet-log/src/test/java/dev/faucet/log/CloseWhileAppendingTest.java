package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends racing with {@link Log#close()} or with a fatal fsync error: every future completes (acknowledged, or
 * failed with {@code CLOSED} or {@code FAILED}); none waits forever for a writer that is gone.
 */
class CloseWhileAppendingTest {
    private static final int ROUNDS = Integer.getInteger("faucet.rounds", 24);

    @TempDir
    Path dir;

    @Test
    void shouldCompleteEveryAppendWhenTheLogClosesOrFailsWhileThreadsAppend() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            FaultyFileSeam seam = new FaultyFileSeam();
            ConcurrentLinkedQueue<CompletableFuture<RecordPosition>> futures = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            Log log = Log.open(dir.resolve("round-" + round), c -> c.withFileSeam(seam));
            try {
                log.createTopic(TopicConfig.of("t", 1));
                CountDownLatch started = new CountDownLatch(4);
                List<Thread> threads = startAppenders(log, started, futures, stop);
                started.await();
                // Right away, while the appending code is still cold (slow), so appends race with the stop.
                if (round % 4 == 0) {
                    seam.failForceAfter(round % 3);
                    await().atMost(Duration.ofSeconds(30)).until(() -> log.state() == LogState.FAILED);
                } else {
                    log.close();
                }
                stop.set(true);
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                    assertThat(t.isAlive()).as("round %d: an appending thread is stuck", round).isFalse();
                }
            } finally {
                log.close();
            }
            String why = "round " + round + (round % 4 == 0 ? ", fsync failed" : ", closed");
            try {
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                        .get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(why + ": " + futures.stream().filter(f -> !f.isDone()).count() + " of "
                        + futures.size() + " appends never completed", e);
            }
            for (CompletableFuture<RecordPosition> f : futures) {
                assertOutcome(f, why);
            }
        }
    }

    private static List<Thread> startAppenders(Log log, CountDownLatch started,
            ConcurrentLinkedQueue<CompletableFuture<RecordPosition>> futures, AtomicBoolean stop) {
        List<Thread> threads = new ArrayList<>();
        for (long t = started.getCount(); t > 0; t--) {
            Thread thread = new Thread(() -> {
                started.countDown();
                // No back-pressure window: appends keep arriving while the writer stops.
                for (int i = 0; i < 50_000 && !stop.get(); i++) {
                    try {
                        futures.add(log.append("t", NewRecord.of("k", "v" + i)));
                    } catch (LogException e) {
                        assertThat(e.kind()).isEqualTo(LogException.Kind.CLOSED);
                    }
                }
            }, "appender-" + t);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    private static void assertOutcome(CompletableFuture<RecordPosition> f, String why) throws Exception {
        try {
            assertThat(f.get(0, TimeUnit.SECONDS).offset()).as(why).isNotNegative();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).as(why).isInstanceOfSatisfying(LogException.class, le -> assertThat(le.kind())
                    .as(why + ": " + le.getMessage()).isIn(LogException.Kind.CLOSED, LogException.Kind.FAILED));
        }
    }
}
