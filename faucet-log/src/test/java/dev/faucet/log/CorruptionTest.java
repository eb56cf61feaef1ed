package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.RecordBatchDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit flips, torn tails and damaged indexes in a log that was closed cleanly (RELIABILITY.md F2, F3): corruption of
 * committed data is detected and refused with an error naming the file and byte, never served and never silently cut;
 * indexes are rebuilt from the segments; a torn journal tail is cut.
 *
 * <p>Each test writes one log, then damages copies of it in {@link #TRIALS} seeded trials. Rerun one seed with
 * {@code -Dfaucet.seed=N -Dfaucet.trials=1}.
 */
class CorruptionTest {
    private static final long SEED = Long.getLong("faucet.seed", 20_261_127L);
    private static final int TRIALS = Integer.getInteger("faucet.trials", 8);
    private static final String TOPIC = "t";
    private static final String OTHER = "u";
    private static final long SMALL_SEGMENT = 4096;

    @TempDir
    Path tmp;

    /** The records of {@code t-0} as written, by offset. */
    private final List<NewRecord> written = new ArrayList<>();

    @Test
    void shouldRefuseOnlyTheFlippedBatchWhenABitFlipsInAClosedSegment() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 4096, 80);
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "closed-" + trial);
            List<Path> segments = LogDisk.segments(dir, TOPIC, 0);
            assertThat(segments).as("the partition needs closed segments").hasSizeGreaterThan(2);
            Path segment = segments.get(random.nextInt(segments.size() - 1));
            List<LogDisk.Batch> batches = LogDisk.batches(segment);
            LogDisk.Batch hit = batches.get(random.nextInt(batches.size()));
            long bytePos = hit.position() + RecordBatchDescriptor.RECORDS_OFFSET
                    + random.nextInt(hit.totalLength() - RecordBatchDescriptor.RECORDS_OFFSET);
            LogDisk.flipBit(segment, bytePos, random.nextInt(8));
            String why = "seed " + seed + ": bit flipped at byte " + bytePos + " of " + segment;
            try (Log log = Log.open(dir)) {
                assertCorrupt(() -> log.read(TOPIC, 0, hit.baseOffset(), 1), segment, hit.position(), why);
                for (Path s : segments) {
                    for (LogDisk.Batch b : LogDisk.batches(s)) {
                        if (!b.equals(hit)) {
                            assertBatchReadsBack(log, b, why);
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseToOpenAndChangeNothingWhenABitFlipsInTheActiveSegment() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 4096, 50);
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "active-" + trial);
            List<Path> segments = LogDisk.segments(dir, TOPIC, 0);
            Path active = segments.get(segments.size() - 1);
            long size = Files.size(active);
            long bytePos = FileHeaderDescriptor.LENGTH + random.nextLong(size - FileHeaderDescriptor.LENGTH);
            LogDisk.Batch hit = LogDisk.batches(active).stream()
                    .filter(b -> b.position() <= bytePos && bytePos < b.end()).findFirst().orElseThrow();
            LogDisk.flipBit(active, bytePos, random.nextInt(8));
            Map<String, String> before = LogDisk.snapshot(dir);
            String why = "seed " + seed + ": bit flipped at byte " + bytePos + " of " + active;
            assertCorrupt(() -> Log.open(dir).close(), active, hit.position(), why);
            assertThat(LogDisk.snapshot(dir)).as(why + ": nothing may change on disk").isEqualTo(before);
        }
    }

    @Test
    void shouldNeverServeOrCutAFlippedBitInTheIndexedPartOfTheActiveSegment() throws Exception {
        // One large active segment with an index entry every 256 bytes: open verifies only the batches after the
        // last index entry, so a flip before it is found when that batch is read.
        Path template = writeLog(TopicConfig.DEFAULT_SEGMENT_BYTES, 256, 60);
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "indexed-" + trial);
            Path active = LogDisk.segments(dir, TOPIC, 0).get(0);
            List<LogDisk.Batch> batches = LogDisk.batches(active);
            LogDisk.Batch hit = batches.get(random.nextInt(batches.size()));
            long bytePos = hit.position() + random.nextInt(hit.totalLength());
            LogDisk.flipBit(active, bytePos, random.nextInt(8));
            Path partitionDir = LogDisk.partitionDir(dir, TOPIC, 0);
            Map<String, String> before = LogDisk.snapshot(partitionDir);
            String why = "seed " + seed + ": bit flipped at byte " + bytePos + " of " + active;
            Log log;
            try {
                log = Log.open(dir);
            } catch (LogException refused) {
                assertCorrupt(() -> {
                    throw refused;
                }, active, hit.position(), why);
                assertThat(LogDisk.snapshot(partitionDir)).as(why + ": nothing may change on disk").isEqualTo(before);
                continue;
            }
            try (log) {
                assertCorrupt(() -> log.read(TOPIC, 0, hit.baseOffset(), 1), active, hit.position(), why);
                assertThat(log.topic(TOPIC).orElseThrow().partitions().get(0).endOffset()).as(why)
                        .isEqualTo(written.size());
            }
            assertThat(LogDisk.snapshot(partitionDir)).as(why + ": the partition must not be cut").isEqualTo(before);
        }
    }

    // ---- indexes ----

    @Test
    void shouldRebuildIndexesThatAreMissingTornOrGarbage() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 512, 80);
        String[] damages = {"delete", "truncate", "garbage", "zeros"};
        for (int trial = 0; trial < TRIALS * 2; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "index-" + trial);
            String damage = damages[trial % damages.length];
            List<Path> indexes = new ArrayList<>(LogDisk.list(LogDisk.partitionDir(dir, TOPIC, 0), "index"));
            int damaged = 0;
            for (Path index : indexes) {
                if (random.nextInt(3) > 0) {
                    damageIndex(index, damage, random);
                    damaged++;
                }
            }
            String why = "seed " + seed + ": " + damage + " of " + damaged + " of " + indexes.size() + " indexes";
            try (Log log = Log.open(dir)) {
                assertEverythingReadsBack(log, why);
                assertOffsetsForTime(log, random, why);
            }
            try (Log log = Log.open(dir)) {
                assertOffsetsForTime(log, random, why + ", reopened");
            }
        }
    }

    private static void damageIndex(Path index, String damage, Random random) throws IOException {
        long size = Files.size(index);
        switch (damage) {
            case "delete" -> Files.delete(index);
            case "truncate" -> LogDisk.truncate(index, random.nextLong(size + 1));
            case "garbage", "zeros" -> {
                byte[] bytes = Files.readAllBytes(index);
                int from = random.nextInt(bytes.length);
                for (int i = from; i < bytes.length; i++) {
                    bytes[i] = damage.equals("zeros") ? 0 : (byte) random.nextInt(256);
                }
                Files.write(index, bytes);
            }
            default -> throw new IllegalArgumentException(damage);
        }
    }

    private void assertOffsetsForTime(Log log, Random random, String why) {
        long min = written.stream().mapToLong(NewRecord::timestampMs).min().orElseThrow();
        long max = written.stream().mapToLong(NewRecord::timestampMs).max().orElseThrow();
        for (int i = 0; i < 200; i++) {
            long t = min - 5 + random.nextLong(max - min + 10);
            long expected = written.size();
            for (int o = 0; o < written.size(); o++) {
                if (written.get(o).timestampMs() >= t) {
                    expected = o;
                    break;
                }
            }
            assertThat(log.offsetForTime(TOPIC, 0, t)).as(why + ": offsetForTime(" + t + ")").isEqualTo(expected);
        }
    }

    // ---- the commit journal ----

    @Test
    void shouldCutGarbageOrAPartialRecordAtTheEndOfTheNewestJournal() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 4096, 30);
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "torn-" + trial);
            Path journal = newestJournal(dir);
            byte[] bytes = Files.readAllBytes(journal);
            LogDisk.JournalRecord last = lastOf(LogDisk.journalRecords(journal));
            byte[] tail = switch (trial % 3) {
                case 0 -> randomBytes(random, 1 + random.nextInt(200));
                case 1 -> Arrays.copyOfRange(bytes, last.position(),
                        last.position() + 1 + random.nextInt(last.length() - 1));
                default -> new byte[1 + random.nextInt(64)];
            };
            LogDisk.appendBytes(journal, tail);
            String why = "seed " + seed + ": " + tail.length + " bytes appended to " + journal;
            try (Log log = Log.open(dir)) {
                assertThat(log.recoveryNotes()).as(why).anyMatch(n -> n.contains("cut an unfinished commit record"));
                assertEverythingReadsBack(log, why);
                assertThat(log.append(TOPIC, NewRecord.of("k", "after").withTimestamp(1)).get().offset()).as(why)
                        .isEqualTo(written.size());
            }
            try (Log log = Log.open(dir)) {
                assertEverythingReadsBack(log, 1, why + ", reopened");
                assertThat(log.read(TOPIC, 0, written.size(), 1)).extracting(LogRecord::valueAsString).as(why)
                        .containsExactly("after");
            }
        }
    }

    @Test
    void shouldIgnoreAnOlderJournalFileThatTheNewestCheckpointReplaces() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 4096, 30);
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "older-" + trial);
            Path older = newestJournal(dir);
            Files.copy(older, older.resolveSibling(String.format("%020d.journal", sequenceOf(older) + 1)));
            List<LogDisk.JournalRecord> records = LogDisk.journalRecords(older);
            LogDisk.JournalRecord hit = records.get(random.nextInt(records.size()));
            LogDisk.flipBit(older, hit.position() + random.nextInt(hit.length()), random.nextInt(8));
            String why = "seed " + seed + ": a bit flipped in " + older + ", which a newer checkpoint replaces";
            try (Log log = Log.open(dir)) {
                assertEverythingReadsBack(log, why);
            }
            assertThat(older).as(why + ": the replaced file is deleted").doesNotExist();
        }
    }

    @Test
    void shouldFallBackToTheOlderJournalWhenTheNewestNeverGotAWholeCheckpoint() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 4096, 30);
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "unstarted-" + trial);
            Path older = newestJournal(dir);
            Path newer = older.resolveSibling(String.format("%020d.journal", sequenceOf(older) + 1));
            Files.copy(older, newer);
            LogDisk.JournalRecord checkpoint = LogDisk.journalRecords(newer).get(0);
            LogDisk.flipBit(newer, checkpoint.position() + random.nextInt(checkpoint.length()), random.nextInt(8));
            String why = "seed " + seed + ": the checkpoint of " + newer + " is torn";
            try (Log log = Log.open(dir)) {
                assertEverythingReadsBack(log, why);
                assertThat(log.recoveryNotes()).as(why).anyMatch(n -> n.contains("checkpoint was never completed"));
            }
        }
    }

    @Test
    void shouldRefuseToOpenWhenARecordBeforeTheLastOfTheNewestJournalIsCorrupt() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 4096, 30);
        for (int trial = 0; trial < TRIALS * 2; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "middle-" + trial);
            Path journal = newestJournal(dir);
            List<LogDisk.JournalRecord> records = LogDisk.journalRecords(journal);
            assertThat(records).as("a checkpoint and commits").hasSizeGreaterThan(3);
            LogDisk.JournalRecord hit = records.get(random.nextInt(records.size() - 1));
            // Every other trial hits the length field, which a torn write also leaves behind.
            long bytePos = hit.position() + (trial % 2 == 0 ? random.nextInt(4) : random.nextInt(hit.length()));
            LogDisk.flipBit(journal, bytePos, random.nextInt(8));
            Map<String, String> before = LogDisk.snapshot(dir);
            String why = "seed " + seed + ": bit flipped at byte " + bytePos + " of " + journal + " (record at "
                    + hit.position() + ", " + records.size() + " records)";
            assertCorrupt(() -> Log.open(dir).close(), journal, hit.position(), why);
            assertThat(LogDisk.snapshot(dir)).as(why + ": nothing may change on disk").isEqualTo(before);
        }
    }

    @Test
    void shouldRollBackTheWholeLastCommitWhenItsJournalRecordIsFlippedAsDocumented() throws Exception {
        Path template = writeLog(SMALL_SEGMENT, 4096, 20);
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = SEED + trial;
            Random random = new Random(seed);
            Path dir = copy(template, "last-" + trial);
            try (Log log = Log.open(dir)) {
                log.commit(Commit.builder().append(TOPIC, List.of(NewRecord.of("k", "x1").withTimestamp(1)))
                        .append(OTHER, List.of(NewRecord.of("k0", "x2").toPartition(0),
                                NewRecord.of("k1", "x3").toPartition(1)))
                        .offset("g", TOPIC, 0, 7).build()).get();
            }
            Path journal = newestJournal(dir);
            LogDisk.JournalRecord last = lastOf(LogDisk.journalRecords(journal));
            long bytePos = last.position() + random.nextInt(last.length());
            LogDisk.flipBit(journal, bytePos, random.nextInt(8));
            String why = "seed " + seed + ": bit flipped at byte " + bytePos + " of " + journal;
            try (Log log = Log.open(dir)) {
                assertEverythingReadsBack(log, why);
                assertThat(LogDisk.readAll(log, OTHER, 0)).as(why).isEmpty();
                assertThat(LogDisk.readAll(log, OTHER, 1)).as(why).isEmpty();
                assertThat(log.committedOffset("g", TOPIC, 0)).as(why).isEmpty();
            }
        }
    }

    // ---- fixtures ----

    /** Writes {@code batches} appends of 1 to 4 records to {@code t-0}, then closes the log; returns its directory. */
    private Path writeLog(long segmentBytes, int indexIntervalBytes, int batches) throws Exception {
        Random random = new Random(SEED);
        Path dir = tmp.resolve("template");
        long ts = 1_700_000_000_000L;
        try (Log log = Log.open(dir, c -> c.withIndexIntervalBytes(indexIntervalBytes))) {
            log.createTopic(TopicConfig.of(TOPIC, 1).withSegments(segmentBytes, Duration.ofDays(7)));
            log.createTopic(TopicConfig.of(OTHER, 2));
            for (int b = 0; b < batches; b++) {
                List<NewRecord> batch = new ArrayList<>();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    ts += random.nextInt(20) - 5;
                    batch.add(randomRecord(random, written.size() + batch.size(), ts));
                }
                log.append(TOPIC, batch).get();
                written.addAll(batch);
            }
        }
        return dir;
    }

    private static NewRecord randomRecord(Random random, int n, long ts) {
        byte[] key = random.nextInt(4) == 0 ? null : ("key-" + random.nextInt(20)).getBytes(StandardCharsets.UTF_8);
        byte[] value = randomBytes(random, 40 + random.nextInt(160));
        List<Header> headers = random.nextBoolean() ? List.of() : List.of(Header.of("n", Integer.toString(n)),
                new Header("empty", random.nextBoolean() ? null : new byte[0]));
        return new NewRecord(key, value, headers, Math.max(0, ts), 0);
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private Path copy(Path template, String name) throws IOException {
        Path dir = tmp.resolve(name);
        LogDisk.copyTree(template, dir);
        return dir;
    }

    private void assertEverythingReadsBack(Log log, String why) {
        assertEverythingReadsBack(log, 0, why);
    }

    /** Every written record reads back, by scan and by offset, and {@code appendedSince} more follow them. */
    private void assertEverythingReadsBack(Log log, int appendedSince, String why) {
        List<LogRecord> all = LogDisk.readAll(log, TOPIC, 0);
        assertThat(all).as(why + ": records of " + TOPIC).hasSize(written.size() + appendedSince);
        for (int o = 0; o < written.size(); o++) {
            assertThat(all.get(o)).as(why + ": offset " + o).isEqualTo(expected(o));
            assertThat(log.read(TOPIC, 0, o, 1)).as(why + ": read at offset " + o).containsExactly(expected(o));
        }
    }

    private void assertBatchReadsBack(Log log, LogDisk.Batch b, String why) {
        List<LogRecord> expected = new ArrayList<>();
        for (int i = 0; i < b.recordCount(); i++) {
            expected.add(expected((int) b.baseOffset() + i));
        }
        assertThat(log.read(TOPIC, 0, b.baseOffset(), b.recordCount())).as(why + ": batch at offset "
                + b.baseOffset()).containsExactlyElementsOf(expected);
    }

    private LogRecord expected(int offset) {
        NewRecord r = written.get(offset);
        return new LogRecord(0, offset, r.timestampMs(), r.key(), r.value(), r.headers());
    }

    private static void assertCorrupt(ThrowingCallable call, Path file, long position, String why) {
        assertThatThrownBy(call).as(why).isInstanceOfSatisfying(LogException.class, e -> {
            assertThat(e.kind()).as(why + ": " + e.getMessage()).isEqualTo(LogException.Kind.CORRUPT);
            assertThat(e.getMessage()).as(why).contains(file.toString()).contains("at byte " + position + ":");
        });
    }

    private static Path newestJournal(Path dir) {
        return lastOf(LogDisk.journals(dir));
    }

    private static long sequenceOf(Path journal) {
        return Long.parseLong(journal.getFileName().toString().substring(0, 20));
    }

    private static <T> T lastOf(List<T> list) {
        return list.get(list.size() - 1);
    }
}
