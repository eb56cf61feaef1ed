package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.log.format.FileHeaderDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenCloseTest {
    @TempDir
    Path dir;

    @Test
    void shouldFinishQueuedCommitsWhenClosedFromAnInterruptedThread() throws Exception {
        List<CompletableFuture<RecordPosition>> inFlight = new ArrayList<>();
        Log log = Log.open(dir);
        log.createTopic(TopicConfig.of("t", 2));
        for (int i = 0; i < 500; i++) {
            inFlight.add(log.append("t", NewRecord.of("k" + i, "v" + i)));
        }
        Thread.currentThread().interrupt();
        log.close();
        assertThat(Thread.interrupted()).as("close keeps the caller's interrupt").isTrue();
        assertThat(inFlight).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        try (Log reopened = Log.open(dir)) {
            int total = reopened.read("t", 0, 0, 1000).size() + reopened.read("t", 1, 0, 1000).size();
            assertThat(total).isEqualTo(500);
        }
    }

    @Test
    void shouldOpenWhenTheVeryFirstOpenWasCutBeforeItsCheckpoint() throws Exception {
        Path journal = Files.createDirectories(dir.resolve("journal")).resolve(String.format("%020d.journal", 1));
        ByteBuffer header = FileHeaderDescriptor.encode(FileHeaderDescriptor.JOURNAL_MAGIC, 1);
        Files.write(journal, header.array());
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 1));
            assertThat(log.append("t", NewRecord.of("k", "v")).get().offset()).isZero();
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.read("t", 0, 0, 10)).hasSize(1);
        }
    }

    @Test
    void shouldLetOnlyOneOfTwoConcurrentDeletesOfATopicWinAndKeepTheLogOpen() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Log log = Log.open(dir)) {
            for (int round = 0; round < 30; round++) {
                log.createTopic(TopicConfig.of("a", 1));
                log.append("a", NewRecord.of("k", "round-" + round)).get();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> deletes = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    deletes.add(pool.submit(() -> {
                        start.await();
                        try {
                            log.deleteTopic("a");
                            return true;
                        } catch (LogException e) {
                            assertThat(e.kind()).isEqualTo(LogException.Kind.UNKNOWN_TOPIC);
                            return false;
                        }
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<Boolean> d : deletes) {
                    won += d.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(won).as("round %d", round).isEqualTo(1);
                assertThat(log.state()).as("round %d", round).isEqualTo(LogState.OPEN);
            }
            log.createTopic(TopicConfig.of("a", 1));
            log.append("a", NewRecord.of("k", "kept")).get();
        } finally {
            pool.shutdownNow();
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.read("a", 0, 0, 10)).extracting(LogRecord::valueAsString).containsExactly("kept");
        }
    }
}
