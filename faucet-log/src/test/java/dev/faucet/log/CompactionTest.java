package dev.faucet.log;

import static dev.faucet.log.LogFiles.partitionDir;
import static dev.faucet.log.LogFiles.partitionInfo;
import static dev.faucet.log.LogFiles.readAll;
import static dev.faucet.log.LogFiles.segmentBases;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
    private static final Duration TOMBSTONES = Duration.ofHours(1);
    private static final TopicConfig TABLE = TopicConfig.of("table", 1).withCompaction(true)
            .withSegments(4096, Duration.ofDays(7));

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2024-03-01T12:00:00Z");
    /** Every record appended, as the log placed it. */
    private final List<LogRecord> appended = new ArrayList<>();

    private Log open(Duration interval) throws Exception {
        return Log.open(dir, c -> c.withClock(clock).withMaintenance(interval, TOMBSTONES));
    }

    private Log open() throws Exception {
        return open(Duration.ofMillis(20));
    }

    /** Appends records in one call and remembers where they went. */
    private void append(Log log, List<NewRecord> records) {
        long now = clock.millis();
        List<RecordPosition> positions = log.append("table", records).join();
        for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i);
            appended.add(new LogRecord(0, positions.get(i).offset(), now, r.key(), r.value(), r.headers()));
        }
    }

    private void append(Log log, String key, String value) {
        append(log, List.of(NewRecord.of(key, value)));
    }

    /** {@code count} records over {@code keys} keys, in appends of up to 4 records. */
    private void appendRandom(Log log, Random random, int count, int keys) {
        for (int i = 0; i < count; i += 4) {
            List<NewRecord> batch = new ArrayList<>();
            for (int j = i; j < Math.min(count, i + 4); j++) {
                String key = "key-" + random.nextInt(keys);
                batch.add(NewRecord.of(key, key + "@" + (appended.size() + j - i) + "x".repeat(random.nextInt(80))));
            }
            append(log, batch);
        }
    }

    /**
     * What a fully compacted partition holds: in closed segments, the latest record of each key unless it is a
     * tombstone older than the tombstone retention; in the active segment, everything.
     */
    private List<String> expectedView(Log log) throws Exception {
        List<Long> bases = segmentBases(partitionDir(log, "table", 0));
        long activeBase = bases.get(bases.size() - 1);
        long tombstoneCutoff = clock.millis() - TOMBSTONES.toMillis();
        Map<String, Long> latest = new HashMap<>();
        for (LogRecord r : appended) {
            latest.put(r.keyAsString(), r.offset());
        }
        List<String> out = new ArrayList<>();
        for (LogRecord r : appended) {
            boolean expired = r.value() == null && r.timestampMs() < tombstoneCutoff;
            if (r.offset() >= activeBase || (latest.get(r.keyAsString()) == r.offset() && !expired)) {
                out.add(describe(r));
            }
        }
        return out;
    }

    private static String describe(LogRecord r) {
        return r.offset() + ":" + r.keyAsString() + "=" + r.valueAsString();
    }

    private static List<String> view(Log log) {
        return readAll(log, "table", 0).stream().map(CompactionTest::describe).toList();
    }

    private void awaitCompacted(Log log) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(view(log))
                .containsExactlyElementsOf(expectedView(log)));
    }

    private static long closedBytes(Log log) throws Exception {
        Path partition = partitionDir(log, "table", 0);
        List<Long> bases = segmentBases(partition);
        long sum = 0;
        for (long base : bases.subList(0, bases.size() - 1)) {
            sum += Files.size(partition.resolve(String.format("%020d.log", base)));
        }
        return sum;
    }

    @Test
    void shouldKeepTheLatestValuePerKeyInClosedSegmentsAndEverythingInTheActiveOne() throws Exception {
        long before;
        try (Log log = open(Duration.ofDays(1))) {
            log.createTopic(TABLE);
            appendRandom(log, new Random(42), 600, 20);
            before = closedBytes(log);
            assertThat(segmentBases(partitionDir(log, "table", 0))).hasSizeGreaterThan(5);
            assertThat(view(log)).hasSize(600);
        }
        try (Log log = open()) {
            awaitCompacted(log);
            assertThat(closedBytes(log)).isLessThan(before / 3);
            assertThat(partitionInfo(log, "table", 0).endOffset()).isEqualTo(600);
            long gap = firstGap(readAll(log, "table", 0));
            assertThat(log.read("table", 0, gap, 1).get(0).offset()).isGreaterThan(gap);
        }
    }

    private static long firstGap(List<LogRecord> records) {
        for (int i = 1; i < records.size(); i++) {
            if (records.get(i).offset() > records.get(i - 1).offset() + 1) {
                return records.get(i - 1).offset() + 1;
            }
        }
        throw new AssertionError("no gap in " + records.size() + " records");
    }

    @Test
    void shouldKeepTheLatestValueOfEveryKeyWhenCompactionRunsDuringAppends() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (Log log = open(Duration.ofMillis(1))) {
            log.createTopic(TABLE);
            for (int round = 0; round < 60; round++) {
                appendRandom(log, random, 40, 5 + round * 2);
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(view(log)).as("seed %d", seed)
                    .containsExactlyElementsOf(expectedView(log)));
        }
    }

    @Test
    void shouldNeverDropTheLatestValueOfAKeyWhenSegmentsCloseWhileCompactionReads() throws Exception {
        Random random = new Random(11);
        try (Log log = Log.open(dir, c -> c.withClock(clock).withMaintenance(Duration.ofMillis(1), TOMBSTONES)
                .withFileSeam(new SlowCleanerReads()))) {
            log.createTopic(TABLE);
            for (int round = 0; round < 40; round++) {
                appendRandom(log, random, 40, 5 + round * 2);
                assertThat(latestPerKey(readAll(log, "table", 0))).as("after round %d", round)
                        .isEqualTo(latestPerKey(appended));
            }
            awaitCompacted(log);
        }
    }

    private static Map<String, String> latestPerKey(List<LogRecord> records) {
        Map<String, String> latest = new HashMap<>();
        for (LogRecord r : records) {
            latest.put(r.keyAsString(), describe(r));
        }
        return latest;
    }

    /** Reads by the compaction thread take 3 ms each, so segments close while it works out the latest offsets. */
    private static final class SlowCleanerReads implements FileSeam {
        @Override
        public LogFile open(Path path) throws IOException {
            return new ForwardingLogFile(FileSeam.real().open(path)) {
                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    if (Thread.currentThread().getName().startsWith("faucet-log-cleaner")) {
                        LockSupport.parkNanos(3_000_000);
                    }
                    return super.read(dst, position);
                }
            };
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            FileSeam.real().forceDirectory(dir);
        }
    }

    @Test
    void shouldKeepTombstonesForTheTombstoneRetentionAndRemoveThemAfter() throws Exception {
        try (Log log = open()) {
            log.createTopic(TABLE);
            append(log, "gone", "v1");
            append(log, "gone", null);
            append(log, "stay", "s1");
            appendFiller(log, 0);
            awaitCompacted(log);
            assertThat(view(log)).contains("1:gone=null").doesNotContain("0:gone=v1");

            clock.advance(TOMBSTONES.minusMinutes(1));
            append(log, "stay", "s2");
            appendFiller(log, 100);
            awaitCompacted(log);
            assertThat(view(log)).contains("1:gone=null").noneMatch(s -> s.endsWith(":stay=s1"));

            clock.advance(Duration.ofMinutes(2));
            awaitCompacted(log);
            assertThat(view(log)).noneMatch(s -> s.contains(":gone="));
        }
    }

    /** 60 records of distinct keys, enough to close the segments before them. */
    private void appendFiller(Log log, int from) {
        for (int i = from; i < from + 60; i += 3) {
            List<NewRecord> batch = new ArrayList<>();
            for (int j = i; j < i + 3; j++) {
                batch.add(NewRecord.of("filler-" + j, "y".repeat(200)));
            }
            append(log, batch);
        }
    }

    @Test
    void shouldRefuseRecordsWithoutAKeyInACompactedTopic() throws Exception {
        try (Log log = open()) {
            log.createTopic(TABLE);
            assertThatThrownBy(() -> log.append("table", NewRecord.of(null, "v"))).isInstanceOf(LogException.class)
                    .hasMessageContaining("has no key").hasMessageContaining("compacted")
                    .satisfies(e -> assertThat(((LogException) e).kind()).isEqualTo(LogException.Kind.INVALID_RECORD));
            List<NewRecord> mixed = List.of(NewRecord.of("k", "v"), NewRecord.of(null, "v"));
            assertThatThrownBy(() -> log.append("table", mixed)).isInstanceOf(LogException.class)
                    .hasMessageContaining("record 2 of 2");
            assertThat(partitionInfo(log, "table", 0).endOffset()).isZero();
        }
    }

    @Test
    void shouldKeepTheCompactedViewAcrossReopenAndGoOnCompacting() throws Exception {
        Random random = new Random(7);
        List<String> compacted;
        try (Log log = open()) {
            log.createTopic(TABLE);
            appendRandom(log, random, 400, 10);
            awaitCompacted(log);
            compacted = view(log);
        }
        try (Log log = open()) {
            assertThat(view(log)).containsExactlyElementsOf(compacted);
            appendRandom(log, random, 400, 10);
            assertThat(appended.get(appended.size() - 1).offset()).isEqualTo(799);
            awaitCompacted(log);
        }
        try (Log log = open()) {
            awaitCompacted(log);
        }
    }

    @Test
    void shouldRemoveALeftoverCleanedFileWhenOpening() throws Exception {
        Path leftover;
        try (Log log = open()) {
            log.createTopic(TABLE);
            appendFiller(log, 0);
            leftover = partitionDir(log, "table", 0).resolve(String.format("%020d.log.cleaned", 0));
        }
        Files.write(leftover, new byte[] {1, 2, 3, 4, 5});
        try (Log log = open()) {
            // Distinct keys only: compaction has nothing to clean, so no .cleaned file of its own appears here.
            assertThat(leftover).doesNotExist();
            assertThat(view(log)).containsExactlyElementsOf(expectedView(log));
            appendRandom(log, new Random(3), 100, 10);
            awaitCompacted(log);
        }
    }
}
