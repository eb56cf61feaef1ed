package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
    @TempDir
    Path dir;

    private static NewRecord rec(String key, String value) {
        return NewRecord.of(key, value);
    }

    @Test
    void shouldReadBackAppendedRecordsWithDenseOffsets() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("orders", 1));
            List<RecordPosition> first = log.append("orders", List.of(rec(null, "a"), rec(null, "b"))).get();
            RecordPosition third = log.append("orders", rec(null, "c")).get();
            assertThat(first).containsExactly(new RecordPosition(0, 0), new RecordPosition(0, 1));
            assertThat(third).isEqualTo(new RecordPosition(0, 2));
            assertThat(log.read("orders", 0, 0, 10)).extracting(LogRecord::valueAsString).containsExactly("a", "b",
                    "c");
            assertThat(log.read("orders", 0, 1, 1)).extracting(LogRecord::offset).containsExactly(1L);
        }
    }

    @Test
    void shouldKeepEveryFieldOfARecordAcrossReopen() throws Exception {
        NewRecord r = new NewRecord("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8),
                List.of(Header.of("traceparent", "00-abc"), new Header("nullable", null)), 1234L, 2);
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 3));
            assertThat(log.append("t", r).get()).isEqualTo(new RecordPosition(2, 0));
        }
        try (Log log = Log.open(dir)) {
            LogRecord read = log.read("t", 2, 0, 1).get(0);
            assertThat(read).isEqualTo(new LogRecord(2, 0, 1234L, r.key(), r.value(), r.headers()));
        }
    }

    @Test
    void shouldPlaceKeyedRecordsByMurmur2AsKafkaDoes() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 8));
            // Kafka's murmur2 of "21" is -973932308, of "foobar" -790332482: partitions 4 and 6 of 8.
            assertThat(log.append("t", rec("21", "x")).get().partition()).isEqualTo(4);
            assertThat(log.append("t", rec("foobar", "x")).get().partition()).isEqualTo(6);
            assertThat(log.append("t", rec("foobar", "y")).get()).isEqualTo(new RecordPosition(6, 1));
        }
    }

    @Test
    void shouldPutTheUnkeyedRecordsOfOneAppendInOnePartition() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 4));
            List<NewRecord> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(rec(null, "v" + i));
            }
            for (int round = 0; round < 4; round++) {
                List<RecordPosition> positions = log.append("t", batch).get();
                assertThat(positions).extracting(RecordPosition::partition).containsOnly(positions.get(0).partition());
                assertThat(positions).extracting(RecordPosition::offset).isSorted();
            }
        }
    }

    @Test
    void shouldRefuseRecordsOverTheSizeLimitNamingTheRecord() throws Exception {
        try (Log log = Log.open(dir, c -> c.withMaxRecordBytes(1000))) {
            log.createTopic(TopicConfig.of("t", 1));
            List<NewRecord> batch = List.of(rec(null, "small"), NewRecord.of(new byte[2000]));
            assertThatThrownBy(() -> log.append("t", batch)).isInstanceOf(LogException.class)
                    .hasMessageContaining("record 2 of 2").hasMessageContaining("maxRecordBytes");
            assertThat(log.read("t", 0, 0, 10)).isEmpty();
        }
    }

    @Test
    void shouldRefuseTopicNamesThatCouldEscapeTheDataDirectory() throws Exception {
        try (Log log = Log.open(dir)) {
            for (String bad : new String[] {"..", ".", "../x", "a/b", "", "x".repeat(250), "a\u0000b", "é",
                    "__faucet.mine"}) {
                assertThatThrownBy(() -> log.createTopic(TopicConfig.of(bad, 1)))
                        .isInstanceOf(LogException.class)
                        .satisfies(e -> assertThat(((LogException) e).kind())
                                .isEqualTo(LogException.Kind.INVALID_TOPIC));
            }
        }
    }

    @Test
    void shouldRefuseAReadOfNoRecordsOrFromANegativeOffset() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 1));
            assertThatThrownBy(() -> log.read("t", 0, 0, 0)).isInstanceOf(LogException.class)
                    .hasMessageContaining("maxRecords 0");
            assertThatThrownBy(() -> log.read("t", 0, -1, 10)).isInstanceOf(LogException.class)
                    .hasMessageContaining("offset -1");
        }
    }

    @Test
    void shouldRefuseACommitLargerThanTheWriterMayHold() throws Exception {
        try (Log log = Log.open(dir, c -> c.withMaxRecordBytes(600_000).withMaxPendingBytes(1 << 20))) {
            log.createTopic(TopicConfig.of("t", 1));
            List<NewRecord> big = List.of(NewRecord.of(new byte[500_000]), NewRecord.of(new byte[500_000]),
                    NewRecord.of(new byte[500_000]));
            assertThatThrownBy(() -> log.append("t", big)).isInstanceOf(LogException.class)
                    .hasMessageContaining("maxPendingBytes");
            assertThat(log.read("t", 0, 0, 10)).isEmpty();
        }
    }

    @Test
    void shouldStopAReadAtTheByteLimitButAlwaysReturnARecord() throws Exception {
        try (Log log = Log.open(dir, c -> c.withMaxReadBytes(10_000))) {
            log.createTopic(TopicConfig.of("t", 1));
            List<NewRecord> records = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                records.add(NewRecord.of(new byte[4_000]));
            }
            log.append("t", records).get();
            log.append("t", NewRecord.of(new byte[50_000])).get();
            assertThat(log.read("t", 0, 0, 100)).hasSizeBetween(2, 4);
            assertThat(log.read("t", 0, 10, 100)).hasSize(1);
        }
    }
}
