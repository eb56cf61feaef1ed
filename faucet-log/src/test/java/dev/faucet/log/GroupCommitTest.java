package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    private static final int THREADS = 16;
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    /** The values one thread appended, in the order it appended them, with where the log put each. */
    private record Appended(List<String> values, List<RecordPosition> positions) {
    }

    /** Runs {@code body(thread)} on {@link #THREADS} threads released together; fails on the first error. */
    private static void onThreads(ThreadBody body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        Map<Integer, Throwable> errors = new ConcurrentHashMap<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().name("appender-" + t).start(() -> {
                try {
                    start.await();
                    body.run(thread);
                } catch (Throwable e) {
                    errors.put(thread, e);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("appender threads failed: " + errors, errors.values().iterator().next());
        }
    }

    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /**
     * One thread's appends: mostly single records (keyed or not), every tenth a batch of three unkeyed records, with
     * up to eight appends in flight before it waits for the oldest.
     */
    private static Appended appendMany(Log log, int thread, int appends) throws Exception {
        List<String> values = new ArrayList<>();
        List<CompletableFuture<List<RecordPosition>>> futures = new ArrayList<>();
        for (int i = 0; i < appends; i++) {
            List<NewRecord> records = new ArrayList<>();
            int count = i % 10 == 0 ? 3 : 1;
            for (int j = 0; j < count; j++) {
                String value = "t" + thread + "-" + i + "-" + j;
                String key = count == 1 && i % 2 == 0 ? "key-" + (i * 31 + thread) % 97 : null;
                records.add(NewRecord.of(key, value));
                values.add(value);
            }
            futures.add(log.append("t", records));
            if (futures.size() > 8) {
                futures.get(futures.size() - 9).get(30, TimeUnit.SECONDS);
            }
        }
        List<RecordPosition> positions = new ArrayList<>();
        for (CompletableFuture<List<RecordPosition>> f : futures) {
            List<RecordPosition> p = f.get(30, TimeUnit.SECONDS);
            assertThat(p).extracting(RecordPosition::partition).containsOnly(p.get(0).partition());
            assertThat(p).extracting(RecordPosition::offset).containsExactlyElementsOf(
                    LongStream.range(p.get(0).offset(), p.get(0).offset() + p.size()).boxed().toList());
            positions.addAll(p);
        }
        return new Appended(values, positions);
    }

    @Test
    void shouldGiveConcurrentAppendsDenseUniqueOffsetsAndReadEveryRecordBack() throws Exception {
        int appendsPerThread = 250;
        Map<Integer, Appended> byThread = new ConcurrentHashMap<>();
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", PARTITIONS));
            onThreads(thread -> byThread.put(thread, appendMany(log, thread, appendsPerThread)));

            Map<String, RecordPosition> written = new HashMap<>();
            for (Appended a : byThread.values()) {
                for (int i = 0; i < a.values().size(); i++) {
                    assertThat(written.put(a.values().get(i), a.positions().get(i))).isNull();
                }
                assertInOrderPerPartition(a.positions());
            }
            assertThat(written).hasSize(THREADS * (appendsPerThread + appendsPerThread / 10 * 2));
            assertThat(readBack(log)).isEqualTo(written);
        }
    }

    /** What every partition holds, value to position, after checking its offsets are 0, 1, 2, ... without gaps. */
    private static Map<String, RecordPosition> readBack(Log log) {
        Map<String, RecordPosition> read = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<LogRecord> records = LogFiles.readAll(log, "t", p);
            assertThat(records).extracting(LogRecord::offset)
                    .containsExactlyElementsOf(LongStream.range(0, records.size()).boxed().toList());
            assertThat(LogFiles.partitionInfo(log, "t", p).endOffset()).isEqualTo(records.size());
            for (LogRecord r : records) {
                assertThat(read.put(r.valueAsString(), new RecordPosition(p, r.offset()))).isNull();
            }
        }
        return read;
    }

    /** A thread's records land in each partition in the order the thread appended them. */
    private static void assertInOrderPerPartition(List<RecordPosition> positions) {
        Map<Integer, Long> last = new HashMap<>();
        for (RecordPosition p : positions) {
            Long before = last.put(p.partition(), p.offset());
            assertThat(before == null || before < p.offset()).as("%s after %s", p, before).isTrue();
        }
    }

    /**
     * On a disk whose fsyncs take 5 ms, one appender waiting for each append pays every fsync alone (segment and
     * journal). Sixteen such appenders must pay far fewer per append: their appends share group commits.
     */
    @Test
    void shouldShareFsyncsAmongConcurrentAppendersOnASlowDisk() throws Exception {
        CountingFileSeam counting = new CountingFileSeam(FileSeam.real());
        FaultyFileSeam slowDisk = new FaultyFileSeam(counting).forceDelayMs(5);
        int appendsPerThread = 40;
        try (Log log = Log.open(dir, c -> c.withFileSeam(slowDisk))) {
            log.createTopic(TopicConfig.of("t", 1));
            long before = counting.forces();
            for (int i = 0; i < appendsPerThread; i++) {
                log.append("t", NewRecord.of(null, "alone-" + i)).get(30, TimeUnit.SECONDS);
            }
            double alone = (double) (counting.forces() - before) / appendsPerThread;

            before = counting.forces();
            long started = System.nanoTime();
            onThreads(thread -> {
                for (int i = 0; i < appendsPerThread; i++) {
                    log.append("t", NewRecord.of(null, "t" + thread + "-" + i)).get(30, TimeUnit.SECONDS);
                }
            });
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int appends = THREADS * appendsPerThread;
            double shared = (double) (counting.forces() - before) / appends;
            System.out.printf("fsyncs per append on a 5 ms disk: %.2f alone, %.2f with %d threads (%d appends in %d"
                    + " ms)%n", alone, shared, THREADS, appends, millis);

            assertThat(alone).as("fsyncs per append, one appender").isGreaterThanOrEqualTo(1);
            assertThat(shared).as("fsyncs per append, %d appenders", THREADS).isLessThan(alone / 3);
            assertThat(LogFiles.readAll(log, "t", 0)).hasSize(appends + appendsPerThread);
        }
    }
}
