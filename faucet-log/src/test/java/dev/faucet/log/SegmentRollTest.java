package dev.faucet.log;

import static dev.faucet.log.LogFiles.partitionDir;
import static dev.faucet.log.LogFiles.readAll;
import static dev.faucet.log.LogFiles.segmentBases;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRollTest {
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of("t", 1).withSegments(4096, Duration.ofDays(7));

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2024-03-01T08:00:00Z");

    private Log open() throws Exception {
        return Log.open(dir, c -> c.withClock(clock).withIndexIntervalBytes(256));
    }

    private static String value(int i) {
        return "value-" + i + "-" + "x".repeat(i % 150);
    }

    /** Appends values 0..n-1 as single-record appends, pipelined, and waits for all of them. */
    private static void appendValues(Log log, int from, int to) {
        List<CompletableFuture<RecordPosition>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(log.append("t", NewRecord.of(null, value(i))));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        for (int i = from; i < to; i++) {
            assertThat(futures.get(i - from).join()).isEqualTo(new RecordPosition(0, i));
        }
    }

    private static void assertValues(List<LogRecord> records, int from, int to) {
        assertThat(records).extracting(LogRecord::offset)
                .containsExactlyElementsOf(IntStream.range(from, to).mapToObj(i -> (long) i).toList());
        assertThat(records).extracting(LogRecord::valueAsString)
                .containsExactlyElementsOf(IntStream.range(from, to).mapToObj(SegmentRollTest::value).toList());
    }

    @Test
    void shouldSpreadAppendsOverSeveralSegmentFilesWhenSegmentsAreSmall() throws Exception {
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS);
            appendValues(log, 0, 600);
            List<Long> bases = segmentBases(partitionDir(log, "t", 0));
            assertThat(bases).hasSizeGreaterThan(10).startsWith(0L).isSorted().doesNotHaveDuplicates();
            assertThat(partitionDir(log, "t", 0).toFile().listFiles(f -> f.length() > 4096)).isEmpty();
            assertValues(readAll(log, "t", 0), 0, 600);
        }
    }

    @Test
    void shouldReadAcrossSegmentBoundariesFromAnyOffsetInOrder() throws Exception {
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS);
            appendValues(log, 0, 400);
            List<Long> bases = segmentBases(partitionDir(log, "t", 0));
            assertThat(bases).hasSizeGreaterThan(5);
            for (long base : bases.subList(1, bases.size())) {
                int from = (int) base - 3;
                assertValues(log.read("t", 0, from, 7), from, from + 7);
            }
            for (int from = 0; from < 400; from += 37) {
                assertValues(log.read("t", 0, from, 1000), from, 400);
            }
            assertThat(log.read("t", 0, 400, 10)).isEmpty();
        }
    }

    @Test
    void shouldRollToANewSegmentWhenTheActiveOneIsOlderThanTheSegmentAge() throws Exception {
        try (Log log = open()) {
            log.createTopic(TopicConfig.of("t", 1).withSegments(1 << 20, Duration.ofMinutes(10)));
            appendValues(log, 0, 2);
            clock.advance(Duration.ofMinutes(9));
            appendValues(log, 2, 4);
            assertThat(segmentBases(partitionDir(log, "t", 0))).containsExactly(0L);
            clock.advance(Duration.ofMinutes(1));
            appendValues(log, 4, 5);
            assertThat(segmentBases(partitionDir(log, "t", 0))).containsExactly(0L, 4L);
            clock.advance(Duration.ofMinutes(30));
            appendValues(log, 5, 7);
            assertThat(segmentBases(partitionDir(log, "t", 0))).containsExactly(0L, 4L, 5L);
            assertValues(readAll(log, "t", 0), 0, 7);
        }
    }

    @Test
    void shouldCountTheSegmentAgeFromTopicCreationNotFromLogOpen() throws Exception {
        try (Log log = open()) {
            clock.advance(Duration.ofHours(3));
            log.createTopic(TopicConfig.of("t", 1).withSegments(1 << 20, Duration.ofMinutes(10)));
            appendValues(log, 0, 1);
            clock.advance(Duration.ofMinutes(1));
            appendValues(log, 1, 2);
            assertThat(segmentBases(partitionDir(log, "t", 0))).containsExactly(0L);
        }
    }

    @Test
    void shouldKeepCountingTheSegmentAgeAcrossARestart() throws Exception {
        try (Log log = open()) {
            log.createTopic(TopicConfig.of("t", 1).withSegments(1 << 20, Duration.ofMinutes(10)));
            appendValues(log, 0, 1);
            clock.advance(Duration.ofMinutes(6));
        }
        try (Log log = open()) {
            clock.advance(Duration.ofMinutes(6));
            appendValues(log, 1, 2);
            assertThat(segmentBases(partitionDir(log, "t", 0))).as("12 minutes old across a restart")
                    .containsExactly(0L, 1L);
        }
    }

    @Test
    void shouldGiveARecordLargerThanASegmentASegmentOfItsOwnAndReadItBack() throws Exception {
        byte[] big = new byte[200 * 1024];
        new Random(5).nextBytes(big);
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS);
            appendValues(log, 0, 3);
            assertThat(log.append("t", NewRecord.of(null, big)).join()).isEqualTo(new RecordPosition(0, 3));
            log.append("t", NewRecord.of(null, value(4))).join();
            assertThat(segmentBases(partitionDir(log, "t", 0))).containsExactly(0L, 3L, 4L);
        }
        try (Log log = open()) {
            List<LogRecord> records = readAll(log, "t", 0);
            assertThat(records).extracting(LogRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(records.get(3).value()).isEqualTo(big);
            assertThat(log.read("t", 0, 3, 1).get(0).value()).isEqualTo(big);
            assertThat(records.get(4).valueAsString()).isEqualTo(value(4));
        }
    }

    @Test
    void shouldNotRollAnEmptySegmentHoweverOldItIs() throws Exception {
        try (Log log = open()) {
            log.createTopic(TopicConfig.of("t", 1).withSegments(1 << 20, Duration.ofMinutes(10)));
            clock.advance(Duration.ofHours(5));
            appendValues(log, 0, 1);
            assertThat(segmentBases(partitionDir(log, "t", 0))).containsExactly(0L);
        }
    }

    @Test
    void shouldKeepEverySegmentAndRecordAcrossReopenAndContinueTheOffsets() throws Exception {
        List<Long> bases;
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS);
            appendValues(log, 0, 300);
            bases = segmentBases(partitionDir(log, "t", 0));
        }
        try (Log log = open()) {
            assertThat(segmentBases(partitionDir(log, "t", 0))).isEqualTo(bases);
            assertThat(LogFiles.partitionInfo(log, "t", 0).endOffset()).isEqualTo(300);
            assertValues(readAll(log, "t", 0), 0, 300);
            appendValues(log, 300, 500);
            assertValues(readAll(log, "t", 0), 0, 500);
            assertThat(segmentBases(partitionDir(log, "t", 0))).startsWith(bases.toArray(Long[]::new))
                    .hasSizeGreaterThan(bases.size());
        }
        try (Log log = open()) {
            assertValues(readAll(log, "t", 0), 0, 500);
        }
    }

    /** 400 records around 10:00, mostly in time order but some up to 5 minutes late, in many small segments. */
    private static List<NewRecord> timedRecords(long seed) {
        Random random = new Random(seed);
        long start = Instant.parse("2024-03-01T09:00:00Z").toEpochMilli();
        List<NewRecord> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long ts = start + i * 18_000L;
            if (random.nextInt(5) == 0) {
                ts -= random.nextInt(300_000);
            }
            records.add(NewRecord.of(null, value(i)).withTimestamp(ts));
        }
        return records;
    }

    /** The first offset whose timestamp is at or after {@code t}, by looking at every record. */
    private static long firstAtOrAfter(List<NewRecord> records, long t) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).timestampMs() >= t) {
                return i;
            }
        }
        return records.size();
    }

    @Test
    void shouldFindTheFirstOffsetAtOrAfterATimeAcrossSegmentsWithLateRecords() throws Exception {
        long seed = System.nanoTime();
        List<NewRecord> records = timedRecords(seed);
        long tenOClock = Instant.parse("2024-03-01T10:00:00Z").toEpochMilli();
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS);
            for (int i = 0; i < records.size(); i += 4) {
                log.append("t", records.subList(i, i + 4)).join();
            }
            assertThat(segmentBases(partitionDir(log, "t", 0))).hasSizeGreaterThan(5);
            assertThat(log.offsetForTime("t", 0, tenOClock)).as("seed %d", seed)
                    .isEqualTo(firstAtOrAfter(records, tenOClock));
            assertOffsetsForTimes(log, records, seed);
        }
        try (Log log = open()) {
            assertOffsetsForTimes(log, records, seed);
        }
    }

    private static void assertOffsetsForTimes(Log log, List<NewRecord> records, long seed) {
        List<Long> times = new ArrayList<>();
        for (NewRecord r : records) {
            times.addAll(List.of(r.timestampMs() - 1, r.timestampMs(), r.timestampMs() + 1));
        }
        times.addAll(List.of(0L, Instant.parse("2024-03-01T12:00:00Z").toEpochMilli(), Long.MAX_VALUE));
        for (long t : times) {
            assertThat(log.offsetForTime("t", 0, t)).as("seed %d, time %s", seed, Instant.ofEpochMilli(t))
                    .isEqualTo(firstAtOrAfter(records, t));
        }
    }

    @Test
    void shouldAnswerTheEndOffsetForATimeAfterEveryRecord() throws Exception {
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS);
            assertThat(log.offsetForTime("t", 0, 0)).isZero();
            appendValues(log, 0, 100);
            long after = clock.millis() + 1;
            assertThat(log.offsetForTime("t", 0, after)).isEqualTo(100);
            assertThat(log.offsetForTime("t", 0, clock.millis())).isZero();
        }
    }
}
