package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicLifecycleTest {
    private static final String OFFSETS_TOPIC = "__faucet.offsets";

    @TempDir
    Path dir;

    private static void assertRefused(ThrowingCallable call, LogException.Kind kind, String message) {
        assertThatThrownBy(call).isInstanceOf(LogException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((LogException) e).kind()).isEqualTo(kind));
    }

    private Path topicDir(String name) {
        return dir.resolve("topics").resolve(name);
    }

    @Test
    void shouldListAndDescribeTopicsWithTheirSettingsAlsoAfterReopen() throws Exception {
        TopicConfig orders = TopicConfig.of("orders", 3);
        TopicConfig audit = TopicConfig.of("audit.v2_x-y", 1).withRetention(Duration.ofHours(5), 123_456_789)
                .withFsync(FsyncPolicy.NEVER).withSegments(8192, Duration.ofMinutes(90));
        TopicConfig table = TopicConfig.of("Customers", 2).withCompaction(true);
        try (Log log = Log.open(dir)) {
            assertThat(log.topics()).extracting(TopicInfo::name).containsExactly(OFFSETS_TOPIC);
            TopicInfo created = log.createTopic(orders);
            assertThat(created.config()).isEqualTo(orders);
            int header = 32;
            assertThat(created.partitions()).containsExactly(new PartitionInfo(0, 0, 0, header),
                    new PartitionInfo(1, 0, 0, header), new PartitionInfo(2, 0, 0, header));
            log.createTopic(audit);
            log.createTopic(table);
            log.append("orders", NewRecord.of("k", "v").toPartition(1)).join();

            assertThat(log.topics()).extracting(TopicInfo::name)
                    .containsExactly("Customers", OFFSETS_TOPIC, "audit.v2_x-y", "orders");
            assertThat(log.topic("orders").orElseThrow().partitions()).extracting(PartitionInfo::endOffset)
                    .containsExactly(0L, 1L, 0L);
            assertThat(log.topic("nope")).isEmpty();
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.topic("orders").orElseThrow().config()).isEqualTo(orders);
            assertThat(log.topic("audit.v2_x-y").orElseThrow().config()).isEqualTo(audit);
            assertThat(log.topic("Customers").orElseThrow().config()).isEqualTo(table);
            assertThat(log.topic("orders").orElseThrow().partitions()).extracting(PartitionInfo::endOffset)
                    .containsExactly(0L, 1L, 0L);
        }
    }

    @Test
    void shouldRefuseToCreateATopicThatExistsAlsoAfterReopen() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("orders", 3));
            assertRefused(() -> log.createTopic(TopicConfig.of("orders", 1)), LogException.Kind.TOPIC_EXISTS,
                    "'orders' already exists");
        }
        try (Log log = Log.open(dir)) {
            assertRefused(() -> log.createTopic(TopicConfig.of("orders", 3)), LogException.Kind.TOPIC_EXISTS,
                    "'orders' already exists");
            assertThat(log.topic("orders").orElseThrow().partitions()).hasSize(3);
        }
    }

    @Test
    void shouldRefusePartitionCountsOutsideOneToTheLimitNamingTheLimit() throws Exception {
        try (Log log = Log.open(dir, c -> c.withMaxPartitionsPerTopic(8))) {
            for (int partitions : new int[] {0, -1, 9, Integer.MAX_VALUE}) {
                assertRefused(() -> log.createTopic(TopicConfig.of("t", partitions)), LogException.Kind.INVALID_TOPIC,
                        "asks for " + partitions + " partitions; use 1 to 8 (maxPartitionsPerTopic)");
            }
            assertThat(topicDir("t")).doesNotExist();
            assertThat(log.createTopic(TopicConfig.of("t", 8)).partitions()).hasSize(8);
        }
    }

    @Test
    void shouldDeleteATopicWithItsFilesAndForgetIt() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("orders", 2));
            log.createTopic(TopicConfig.of("payments", 1));
            log.append("orders", List.of(NewRecord.of("a", "1"), NewRecord.of("b", "2"))).join();
            assertThat(topicDir("orders")).isDirectory();

            log.deleteTopic("orders");
            assertThat(topicDir("orders")).doesNotExist();
            assertThat(dir.resolve("trash")).isEmptyDirectory();
            assertThat(log.topic("orders")).isEmpty();
            assertThat(log.topics()).extracting(TopicInfo::name).containsExactly(OFFSETS_TOPIC, "payments");
            assertRefused(() -> log.deleteTopic("orders"), LogException.Kind.UNKNOWN_TOPIC, "unknown topic 'orders'");
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.topic("orders")).isEmpty();
            assertThat(log.topics()).extracting(TopicInfo::name).containsExactly(OFFSETS_TOPIC, "payments");
        }
    }

    @Test
    void shouldStartARecreatedTopicEmptyAtOffsetZero() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("orders", 1));
            log.append("orders", List.of(NewRecord.of("a", "old"), NewRecord.of("b", "old"))).join();
            log.deleteTopic("orders");
            log.createTopic(TopicConfig.of("orders", 1));
            assertThat(log.read("orders", 0, 0, 10)).isEmpty();
            assertThat(log.append("orders", NewRecord.of("c", "new")).join()).isEqualTo(new RecordPosition(0, 0));
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.read("orders", 0, 0, 10)).extracting(LogRecord::valueAsString).containsExactly("new");
        }
    }

    @Test
    void shouldFailAppendsAndReadsOfAnUnknownOrDeletedTopicWithUnknownTopic() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("orders", 1));
            log.deleteTopic("orders");
            for (String topic : new String[] {"orders", "never-created"}) {
                assertRefused(() -> log.append(topic, NewRecord.of("k", "v")), LogException.Kind.UNKNOWN_TOPIC,
                        "unknown topic '" + topic + "'");
                assertRefused(() -> log.read(topic, 0, 0, 1), LogException.Kind.UNKNOWN_TOPIC, topic);
                assertRefused(() -> log.offsetForTime(topic, 0, 0), LogException.Kind.UNKNOWN_TOPIC, topic);
                assertRefused(() -> log.commit(Commit.builder().append(topic, List.of(NewRecord.of("k", "v")))
                        .build()), LogException.Kind.UNKNOWN_TOPIC, topic);
            }
            assertThat(log.state()).isEqualTo(LogState.OPEN);
        }
    }

    @Test
    void shouldCompleteEveryAppendRacingATopicDeletionAndStayOpen() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("orders", 2));
            List<CompletableFuture<RecordPosition>> futures = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch started = new CountDownLatch(50);
            Thread appender = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        futures.add(log.append("orders", NewRecord.of("k" + i, "v")));
                        started.countDown();
                    }
                } catch (LogException e) {
                    assertThat(e.kind()).isEqualTo(LogException.Kind.UNKNOWN_TOPIC);
                }
            });
            appender.start();
            started.await();
            log.deleteTopic("orders");
            appender.join(10_000);
            assertThat(appender.isAlive()).isFalse();

            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((r, e) -> null)
                    .get(10, TimeUnit.SECONDS);
            for (CompletableFuture<RecordPosition> f : futures) {
                f.handle((position, e) -> {
                    if (e != null) {
                        assertThat(e).hasRootCauseInstanceOf(LogException.class).rootCause()
                                .hasMessageContaining("deleted");
                    }
                    return null;
                }).join();
            }
            assertThat(log.state()).isEqualTo(LogState.OPEN);
            log.createTopic(TopicConfig.of("orders", 2));
            assertThat(log.append("orders", NewRecord.of("k", "v").toPartition(1)).join())
                    .isEqualTo(new RecordPosition(1, 0));
        }
    }

    @Test
    void shouldRemoveAHalfCreatedTopicDirectoryWhenOpening() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("kept", 1));
        }
        Path half = Files.createDirectories(topicDir("half").resolve("0"));
        Files.write(half.resolve(String.format("%020d.log", 0)), new byte[] {1, 2, 3});
        try (Log log = Log.open(dir)) {
            assertThat(topicDir("half")).doesNotExist();
            assertThat(log.topic("half")).isEmpty();
            assertThat(log.topic("kept")).isPresent();
            assertThat(log.recoveryNotes()).anySatisfy(n -> assertThat(n).contains("half")
                    .contains("never finished"));
            log.createTopic(TopicConfig.of("half", 1));
            assertThat(log.append("half", NewRecord.of("k", "v")).join()).isEqualTo(new RecordPosition(0, 0));
        }
    }

    @Test
    void shouldRefuseToLetUsersCreateDeleteOrAppendToInternalTopics() throws Exception {
        try (Log log = Log.open(dir)) {
            assertRefused(() -> log.createTopic(TopicConfig.of("__faucet.mine", 1)), LogException.Kind.INVALID_TOPIC,
                    "reserved");
            assertRefused(() -> log.createTopic(TopicConfig.of(OFFSETS_TOPIC, 1)), LogException.Kind.INVALID_TOPIC,
                    "reserved");
            assertRefused(() -> log.deleteTopic(OFFSETS_TOPIC), LogException.Kind.INVALID_TOPIC, "reserved");
            byte[] key = "group\u0000topic\u0000not-a-number".getBytes(StandardCharsets.UTF_8);
            assertRefused(() -> log.append(OFFSETS_TOPIC, NewRecord.of(key, new byte[3])),
                    LogException.Kind.INVALID_TOPIC, "reserved");
            assertThat(log.topic(OFFSETS_TOPIC)).isPresent();
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.state()).isEqualTo(LogState.OPEN);
        }
    }

    @Test
    void shouldRefuseReadsOfAPartitionTheTopicDoesNotHave() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("orders", 3));
            for (int partition : new int[] {3, -2, 100}) {
                assertRefused(() -> log.read("orders", partition, 0, 1), LogException.Kind.INVALID_RECORD,
                        "has no partition " + partition + "; it has 0 to 2");
                assertRefused(() -> log.offsetForTime("orders", partition, 0), LogException.Kind.INVALID_RECORD,
                        "has no partition " + partition);
                assertRefused(() -> log.append("orders", NewRecord.of("k", "v").toPartition(partition)),
                        LogException.Kind.INVALID_RECORD, "names partition " + partition);
            }
            assertRefused(() -> log.read("orders", -1, 0, 1), LogException.Kind.INVALID_RECORD, "has no partition -1");
        }
    }
}
