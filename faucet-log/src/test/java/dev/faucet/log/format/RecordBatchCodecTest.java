package dev.faucet.log.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecordBatchCodecTest {
    private static final long NOW = 1_709_287_200_000L;
    private static final String FILE = "test.log";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Encodes, seals at {@code base} and decodes back. */
    private static List<LogRecord> roundTrip(List<NewRecord> records, long base) throws FormatException {
        ByteBuffer batch = RecordBatchCodec.seal(RecordBatchCodec.encode(records, NOW), base, 7);
        return RecordBatchCodec.decode(batch, 3, FILE, 0);
    }

    private static List<LogRecord> expected(List<NewRecord> records, long base) {
        List<LogRecord> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i);
            long ts = r.timestampMs() == NewRecord.NO_TIMESTAMP ? NOW : r.timestampMs();
            out.add(new LogRecord(3, base + i, ts, r.key(), r.value(), r.headers()));
        }
        return out;
    }

    private static List<NewRecord> everyKindOfField() {
        List<Header> headers = List.of(Header.of("traceparent", "00-4bf92f3577b34da6-00"), new Header("nullable", null),
                new Header("empty", new byte[0]), Header.of("größe", "groß"), Header.of("名前", "値"),
                Header.of("emoji-\uD83D\uDE80", "\uD83D\uDE80"), Header.of("traceparent", "repeated name"));
        return List.of(
                new NewRecord(null, utf8("no key"), List.of(), 1, NewRecord.ANY_PARTITION),
                new NewRecord(new byte[0], utf8("empty key"), List.of(), 2, NewRecord.ANY_PARTITION),
                new NewRecord(utf8("k"), null, List.of(), 3, NewRecord.ANY_PARTITION),
                new NewRecord(utf8("k"), new byte[0], List.of(), 4, NewRecord.ANY_PARTITION),
                new NewRecord(utf8("k"), utf8("headers"), headers, 5, NewRecord.ANY_PARTITION),
                new NewRecord(null, null, List.of(), 0, NewRecord.ANY_PARTITION),
                new NewRecord(utf8("big ts"), utf8("v"), List.of(), Long.MAX_VALUE, NewRecord.ANY_PARTITION),
                new NewRecord(utf8("year 2500"), utf8("v"), List.of(), 16_725_225_600_000L, NewRecord.ANY_PARTITION),
                NewRecord.of(utf8("now"), new byte[] {0, -1, 127, -128}));
    }

    @Test
    void shouldRoundTripEveryKindOfKeyValueHeaderAndTimestamp() throws Exception {
        List<NewRecord> records = everyKindOfField();
        assertThat(roundTrip(records, 1_000_000_000_000L)).containsExactlyElementsOf(expected(records,
                1_000_000_000_000L));
    }

    @Test
    void shouldGiveRecordsWithoutTimestampTheAppendTimeButKeepTimestampZero() throws Exception {
        List<LogRecord> read = roundTrip(List.of(NewRecord.of("a", "b"),
                NewRecord.of("a", "b").withTimestamp(0)), 0);
        assertThat(read).extracting(LogRecord::timestampMs).containsExactly(NOW, 0L);
    }

    @Test
    void shouldDescribeTheBatchInItsHeader() throws Exception {
        List<NewRecord> records = List.of(NewRecord.of("a", "1").withTimestamp(50),
                NewRecord.of("b", "2").withTimestamp(90), NewRecord.of("c", "3").withTimestamp(70));
        ByteBuffer batch = RecordBatchCodec.seal(RecordBatchCodec.encode(records, NOW), 42, 9);
        BatchHeader h = BatchHeader.read(batch, FILE, 0);
        assertThat(h).isEqualTo(new BatchHeader(42, batch.limit(), 9, 2, 3, 50, 90));
        assertThat(h.nextOffset()).isEqualTo(45);
    }

    @Test
    void shouldKeepTheOffsetsOfRecordsKeptByCompaction() throws Exception {
        List<LogRecord> kept = List.of(new LogRecord(0, 100, 5, utf8("a"), utf8("1"), List.of()),
                new LogRecord(0, 103, 6, utf8("b"), null, List.of(Header.of("h", null))),
                new LogRecord(0, 107, 4, utf8("c"), utf8("3"), List.of()));
        ByteBuffer batch = RecordBatchCodec.encodeKept(kept, 100, 9, 0);
        assertThat(RecordBatchCodec.decode(batch, 0, FILE, 0)).containsExactlyElementsOf(kept);
        BatchHeader h = BatchHeader.read(batch, FILE, 0);
        assertThat(h.nextOffset()).isEqualTo(110);
        assertThat(h.recordCount()).isEqualTo(3);
        assertThat(h.maxTimestampMs()).isEqualTo(6);
    }

    static Stream<Long> seeds() {
        return Stream.concat(LongStream.range(0, 40).boxed(), Stream.of(System.nanoTime()));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldRoundTripRandomRecordsAndPredictTheirEncodedSize(long seed) throws Exception {
        Random random = new Random(seed);
        List<NewRecord> records = new ArrayList<>();
        int n = 1 + random.nextInt(30);
        int size = RecordBatchDescriptor.HEADER_LENGTH;
        for (int i = 0; i < n; i++) {
            NewRecord r = randomRecord(random);
            records.add(r);
            size += RecordBatchCodec.recordSize(r);
            assertThat(RecordBatchCodec.encode(List.of(r), NOW).limit()).as("seed %d, record %s", seed, r)
                    .isEqualTo(RecordBatchDescriptor.HEADER_LENGTH + RecordBatchCodec.recordSize(r));
        }
        long base = random.nextInt(3) == 0 ? 0 : random.nextLong(Long.MAX_VALUE / 2);
        assertThat(RecordBatchCodec.encode(records, NOW).limit()).as("seed %d", seed).isEqualTo(size);
        assertThat(roundTrip(records, base)).as("seed %d", seed).containsExactlyElementsOf(expected(records, base));
    }

    private static NewRecord randomRecord(Random random) {
        List<Header> headers = new ArrayList<>();
        for (int h = random.nextInt(4) == 0 ? random.nextInt(12) : 0; h > 0; h--) {
            headers.add(new Header(randomString(random), randomBytes(random, 40)));
        }
        long ts = switch (random.nextInt(5)) {
            case 0 -> NewRecord.NO_TIMESTAMP;
            case 1 -> 0;
            case 2 -> Long.MAX_VALUE;
            default -> random.nextLong(Long.MAX_VALUE);
        };
        return new NewRecord(randomBytes(random, 64), randomBytes(random, 3000), headers, ts,
                NewRecord.ANY_PARTITION);
    }

    /** Null, empty or random bytes, a third of the time each. */
    private static byte[] randomBytes(Random random, int maxLength) {
        return switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> new byte[0];
            default -> {
                byte[] b = new byte[1 + random.nextInt(maxLength)];
                random.nextBytes(b);
                yield b;
            }
        };
    }

    /** A string of ASCII, Latin, CJK and astral (surrogate pair) characters; never unpaired surrogates. */
    private static String randomString(Random random) {
        StringBuilder sb = new StringBuilder();
        int[][] ranges = {{0x20, 0x7e}, {0xa0, 0x17f}, {0x4e00, 0x9fff}, {0x1f300, 0x1f64f}, {0, 0x1f}};
        for (int i = random.nextInt(16); i > 0; i--) {
            int[] range = ranges[random.nextInt(ranges.length)];
            sb.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        }
        return sb.toString();
    }

    @Test
    void shouldDetectAFlippedBitAnywhereInABatch() throws Exception {
        ByteBuffer batch = RecordBatchCodec.seal(RecordBatchCodec.encode(everyKindOfField(), NOW), 42, 9);
        byte[] good = new byte[batch.limit()];
        batch.get(0, good);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int flipped = bit;
            assertThatThrownBy(() -> RecordBatchCodec.decode(ByteBuffer.wrap(bad), 0, FILE, 4096))
                    .as("bit %d (byte %d) of %d bytes", flipped, flipped / 8, good.length)
                    .isInstanceOf(FormatException.class)
                    .hasMessageStartingWith(FILE + " at byte 4096");
        }
    }

    @Test
    void shouldRefuseABatchCutShortOrWithBytesAfterIt() throws Exception {
        ByteBuffer batch = RecordBatchCodec.seal(RecordBatchCodec.encode(everyKindOfField(), NOW), 0, 1);
        for (int length = 0; length < batch.limit(); length += 7) {
            ByteBuffer cut = batch.duplicate().limit(length).slice();
            assertThatThrownBy(() -> RecordBatchCodec.decode(cut, 0, FILE, 0)).as("cut at %d", length)
                    .isInstanceOf(FormatException.class);
        }
        ByteBuffer longer = ByteBuffer.allocate(batch.limit() + 1).put(batch.duplicate()).clear();
        assertThatThrownBy(() -> RecordBatchCodec.decode(longer, 0, FILE, 0)).isInstanceOf(FormatException.class)
                .hasMessageContaining("its header says");
    }

    /**
     * A batch whose checksums match but whose fields lie (a writer bug, a hand-made file) is refused as malformed,
     * never by trying to allocate what a length field claims.
     */
    @Test
    void shouldRefuseLengthsThatRunPastTheBatchEvenWhenTheChecksumsMatch() {
        int keyLength = RecordBatchDescriptor.RECORDS_OFFSET + 4 + 4 + 8;
        int headerCount = keyLength + 4 + 1 + 4 + 1;
        assertMalformed(keyLength, Integer.MAX_VALUE);
        assertMalformed(keyLength, 900_000_000);
        assertMalformed(keyLength, -7);
        assertMalformed(headerCount, Integer.MAX_VALUE);
        assertMalformed(headerCount, 1);
        assertMalformed(RecordBatchDescriptor.RECORD_COUNT_OFFSET, Integer.MAX_VALUE);
        assertMalformed(RecordBatchDescriptor.RECORDS_OFFSET, 1 << 30);
    }

    /** Writes {@code value} as the int at {@code at} of a one-record batch, fixes both checksums and decodes it. */
    private static void assertMalformed(int at, int value) {
        ByteBuffer batch = RecordBatchCodec.encode(List.of(NewRecord.of("k", "v").withTimestamp(1)), NOW);
        batch.putInt(at, value);
        if (at == RecordBatchDescriptor.RECORD_COUNT_OFFSET) {
            batch.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, value);
        }
        batch.putInt(RecordBatchDescriptor.RECORDS_CRC_OFFSET,
                RecordBatchCodec.crc(batch, RecordBatchDescriptor.RECORDS_OFFSET, batch.limit()));
        RecordBatchCodec.seal(batch, 0, 1);
        assertThatThrownBy(() -> RecordBatchCodec.decode(batch, 0, FILE, 0)).as("int %d at byte %d", value, at)
                .isInstanceOf(FormatException.class).hasMessageContaining("malformed");
    }
}
