package dev.faucet.log;

import static dev.faucet.log.LogFiles.partitionDir;
import static dev.faucet.log.LogFiles.partitionInfo;
import static dev.faucet.log.LogFiles.readAll;
import static dev.faucet.log.LogFiles.segmentBases;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of("t", 1).withSegments(4096, Duration.ofDays(7));

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2024-03-01T12:00:00Z");

    private Log open() throws Exception {
        return Log.open(dir, c -> c.withClock(clock).withMaintenance(Duration.ofMillis(10), HOUR));
    }

    private static String value(long offset) {
        return "value-" + offset + "-" + "x".repeat((int) (offset % 120));
    }

    /** Appends records {@code from} to {@code to} (their values name their offsets) with the given event time. */
    private static void append(Log log, long from, long to, long timestampMs) {
        for (long i = from; i < to; i += 5) {
            List<NewRecord> batch = new ArrayList<>();
            for (long j = i; j < Math.min(to, i + 5); j++) {
                batch.add(NewRecord.of(null, value(j)).withTimestamp(timestampMs + j));
            }
            assertThat(log.append("t", batch).join().get(0).offset()).isEqualTo(i);
        }
    }

    /** Moves the clock past the next maintenance time: the writer applies retention within milliseconds. */
    private void runMaintenance() {
        clock.advance(Duration.ofSeconds(1));
    }

    private static long floorBase(List<Long> bases, long offset) {
        return bases.stream().filter(b -> b <= offset).max(Long::compare).orElseThrow();
    }

    private static void assertHolds(Log log, long from, long to) {
        List<LogRecord> records = readAll(log, "t", 0);
        assertThat(records).extracting(LogRecord::offset)
                .containsExactlyElementsOf(LongStream.range(from, to).boxed().toList());
        assertThat(records).extracting(LogRecord::valueAsString)
                .containsExactlyElementsOf(LongStream.range(from, to).mapToObj(RetentionTest::value).toList());
    }

    @Test
    void shouldDeleteClosedSegmentsWhoseRecordsAreAllOlderThanTheRetentionByEventTime() throws Exception {
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS.withRetention(HOUR, -1));
            long now = clock.millis();
            append(log, 0, 300, now - 3 * HOUR.toMillis());
            append(log, 300, 400, now);
            List<Long> before = segmentBases(partitionDir(log, "t", 0));
            long start = floorBase(before, 300);
            assertThat(start).as("test setup: several segments of old records").isGreaterThan(before.get(3));

            runMaintenance();
            await().atMost(Duration.ofSeconds(20)).until(() -> partitionInfo(log, "t", 0).startOffset() == start);
            runMaintenance();
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                    .until(() -> partitionInfo(log, "t", 0).startOffset() == start);

            assertThat(segmentBases(partitionDir(log, "t", 0)))
                    .containsExactlyElementsOf(before.stream().filter(b -> b >= start).toList());
            assertThat(partitionDir(log, "t", 0).resolve(String.format("%020d.index", 0))).doesNotExist();
            assertThat(partitionInfo(log, "t", 0).endOffset()).isEqualTo(400);
            assertHolds(log, start, 400);
        }
    }

    @Test
    void shouldDeleteTheClosedSegmentsOfAnInternalTopicBeforeTheOffsetItsReaderReleasedAndNoMore() throws Exception {
        try (Log log = open()) {
            log.createInternalTopic(TopicConfig.of("__faucet.repartition.p.0", 1).withSegments(4096,
                    Duration.ofDays(7)));
            for (long i = 0; i < 300; i += 5) {
                List<NewRecord> batch = new ArrayList<>();
                for (long j = i; j < i + 5; j++) {
                    batch.add(NewRecord.of(null, value(j)));
                }
                log.commitInternal(Commit.builder().append("__faucet.repartition.p.0", batch).build()).join();
            }
            List<Long> bases = segmentBases(partitionDir(log, "__faucet.repartition.p.0", 0));
            assertThat(bases).as("test setup: several segments").hasSizeGreaterThan(4);
            long released = bases.get(3) + 1; // inside the fourth segment: the first three may go
            runMaintenance();
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)) // nothing released yet
                    .until(() -> partitionInfo(log, "__faucet.repartition.p.0", 0).startOffset() == 0);

            log.releaseBefore("__faucet.repartition.p.0", 0, released);
            runMaintenance();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> partitionInfo(log, "__faucet.repartition.p.0", 0).startOffset() == bases.get(3));
            log.releaseBefore("__faucet.repartition.p.0", 0, 1); // never moves back
            runMaintenance();
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                    .until(() -> partitionInfo(log, "__faucet.repartition.p.0", 0).startOffset() == bases.get(3));
            assertThat(readAll(log, "__faucet.repartition.p.0", 0)).extracting(LogRecord::offset)
                    .containsExactlyElementsOf(LongStream.range(bases.get(3), 300).boxed().toList());
            assertThatThrownBy(() -> log.releaseBefore("t-user", 0, 5)).isInstanceOf(LogException.class);
        }
    }

    @Test
    void shouldReadFromTheStartOffsetWhenAskedForOffsetsThatRetentionDeleted() throws Exception {
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS.withRetention(HOUR, -1));
            append(log, 0, 200, clock.millis() - 2 * HOUR.toMillis());
            append(log, 200, 250, clock.millis());
            runMaintenance();
            await().atMost(Duration.ofSeconds(20)).until(() -> partitionInfo(log, "t", 0).startOffset() > 0);
            long start = partitionInfo(log, "t", 0).startOffset();
            for (long from : new long[] {0, 1, start - 1}) {
                assertThat(log.read("t", 0, from, 3)).extracting(LogRecord::offset)
                        .containsExactly(start, start + 1, start + 2);
            }
            assertThat(log.offsetForTime("t", 0, 0)).isEqualTo(start);
            assertThat(log.offsetForTime("t", 0, clock.millis() - HOUR.toMillis())).isEqualTo(200);
        }
    }

    @Test
    void shouldNeverDeleteTheActiveSegmentEvenWhenAllItsRecordsAreOld() throws Exception {
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS.withRetention(HOUR, -1));
            append(log, 0, 300, clock.millis() - 5 * HOUR.toMillis());
            List<Long> before = segmentBases(partitionDir(log, "t", 0));
            long active = before.get(before.size() - 1);

            runMaintenance();
            await().atMost(Duration.ofSeconds(20)).until(() -> partitionInfo(log, "t", 0).startOffset() == active);

            assertThat(segmentBases(partitionDir(log, "t", 0))).containsExactly(active);
            assertHolds(log, active, 300);
            append(log, 300, 301, clock.millis());
            assertHolds(log, active, 301);
        }
    }

    @Test
    void shouldKeepAPartitionUnderItsSizeLimitPlusOneSegment() throws Exception {
        long limit = 4 * 4096;
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS.withRetention(null, limit));
            long previousStart = 0;
            for (int round = 1; round <= 3; round++) {
                append(log, (round - 1) * 300L, round * 300L, clock.millis());
                runMaintenance();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> partitionInfo(log, "t", 0).sizeBytes() <= limit + 4096);
                PartitionInfo info = partitionInfo(log, "t", 0);
                assertThat(info.sizeBytes()).as("no more than needed is deleted").isGreaterThanOrEqualTo(limit);
                assertThat(info.sizeBytes()).isEqualTo(bytesOnDisk(partitionDir(log, "t", 0)));
                assertThat(info.startOffset()).isGreaterThan(previousStart);
                assertThat(info.endOffset()).isEqualTo(round * 300L);
                assertHolds(log, info.startOffset(), round * 300L);
                previousStart = info.startOffset();
            }
        }
    }

    @Test
    void shouldServeConsistentReadsWhileRetentionDeletesSegments() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS.withRetention(null, 3 * 4096));
            append(log, 0, 100, clock.millis());
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(Thread.ofPlatform().start(() -> readWhileDeleting(log, stop, errors)));
            }
            for (long i = 100; i < 1500; i += 100) {
                append(log, i, i + 100, clock.millis());
                runMaintenance();
            }
            long end = 1500;
            await().atMost(Duration.ofSeconds(20)).until(() -> partitionInfo(log, "t", 0).sizeBytes() <= 4 * 4096);
            stop.set(true);
            for (Thread t : readers) {
                t.join(10_000);
            }
            assertThat(errors).isEmpty();
            assertHolds(log, partitionInfo(log, "t", 0).startOffset(), end);
        }
    }

    /** Reads from offset 0 over and over: each read is a run of consecutive offsets whose values match. */
    private static void readWhileDeleting(Log log, AtomicBoolean stop, Queue<Throwable> errors) {
        long start = 0;
        while (!stop.get()) {
            try {
                List<LogRecord> records = log.read("t", 0, 0, 5000);
                assertThat(records).isNotEmpty();
                assertThat(records.get(0).offset()).isGreaterThanOrEqualTo(start);
                start = records.get(0).offset();
                for (int i = 0; i < records.size(); i++) {
                    assertThat(records.get(i).offset()).isEqualTo(start + i);
                    assertThat(records.get(i).valueAsString()).isEqualTo(value(start + i));
                }
            } catch (Throwable e) {
                errors.add(e);
                return;
            }
        }
    }

    private static long bytesOnDisk(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            List<Path> logs = files.filter(p -> p.toString().endsWith(".log")).toList();
            long sum = 0;
            for (Path p : logs) {
                sum += Files.size(p);
            }
            return sum;
        }
    }

    @Test
    void shouldKeepApplyingRetentionAfterReopen() throws Exception {
        long firstStart;
        try (Log log = open()) {
            log.createTopic(SMALL_SEGMENTS.withRetention(HOUR, -1));
            append(log, 0, 200, clock.millis() - 3 * HOUR.toMillis());
            append(log, 200, 300, clock.millis());
            runMaintenance();
            await().atMost(Duration.ofSeconds(20)).until(() -> partitionInfo(log, "t", 0).startOffset() > 0);
            firstStart = partitionInfo(log, "t", 0).startOffset();
            assertThat(firstStart).isLessThanOrEqualTo(200);
        }
        clock.advance(Duration.ofHours(2));
        try (Log log = open()) {
            assertThat(partitionInfo(log, "t", 0).startOffset()).isEqualTo(firstStart);
            assertHolds(log, firstStart, 300);
            append(log, 300, 400, clock.millis());
            long start = floorBase(segmentBases(partitionDir(log, "t", 0)), 300);
            assertThat(start).isGreaterThan(firstStart);

            runMaintenance();
            await().atMost(Duration.ofSeconds(20)).until(() -> partitionInfo(log, "t", 0).startOffset() == start);
            assertHolds(log, start, 400);
        }
        try (Log log = open()) {
            assertHolds(log, floorBase(segmentBases(partitionDir(log, "t", 0)), 300), 400);
        }
    }
}
