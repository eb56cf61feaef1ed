package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerGroupTest {
    private static final String OFFSETS_TOPIC = "__faucet.offsets";

    @TempDir
    Path dir;

    private static GroupOffset offset(String group, String topic, int partition, long offset) {
        return new GroupOffset(group, topic, partition, offset);
    }

    private Log openWithTopics() throws Exception {
        Log log = Log.open(dir);
        log.createTopic(TopicConfig.of("orders", 3));
        log.createTopic(TopicConfig.of("payments", 1));
        return log;
    }

    @Test
    void shouldAnswerTheOffsetsAGroupCommitted() throws Exception {
        try (Log log = openWithTopics()) {
            log.commitOffsets(List.of(offset("billing", "orders", 0, 5), offset("billing", "orders", 2, 7),
                    offset("billing", "payments", 0, 1), offset("audit", "orders", 0, 100))).join();

            assertThat(log.committedOffset("billing", "orders", 0)).isEqualTo(OptionalLong.of(5));
            assertThat(log.committedOffset("billing", "orders", 1)).isEmpty();
            assertThat(log.committedOffset("audit", "orders", 0)).isEqualTo(OptionalLong.of(100));
            assertThat(log.committedOffset("nobody", "orders", 0)).isEmpty();
            assertThat(log.groupOffsets("billing")).containsExactly(offset("billing", "orders", 0, 5),
                    offset("billing", "orders", 2, 7), offset("billing", "payments", 0, 1));
            assertThat(log.groupOffsets("nobody")).isEmpty();

            log.commitOffsets(List.of(offset("billing", "orders", 0, 6))).join();
            assertThat(log.committedOffset("billing", "orders", 0)).isEqualTo(OptionalLong.of(6));
            assertThat(log.committedOffset("audit", "orders", 0)).isEqualTo(OptionalLong.of(100));
        }
    }

    @Test
    void shouldKeepCommittedOffsetsInTheLogAcrossReopen() throws Exception {
        try (Log log = openWithTopics()) {
            for (long o = 1; o <= 50; o++) {
                log.commitOffsets(List.of(offset("billing", "orders", (int) (o % 3), o))).join();
            }
            log.commitOffsets(List.of(offset("audit", "payments", 0, 9))).join();
            assertThat(LogFiles.partitionInfo(log, OFFSETS_TOPIC, 0).endOffset()).isEqualTo(51);
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.groupOffsets("billing")).containsExactly(offset("billing", "orders", 0, 48),
                    offset("billing", "orders", 1, 49), offset("billing", "orders", 2, 50));
            assertThat(log.committedOffset("audit", "payments", 0)).isEqualTo(OptionalLong.of(9));
            assertThat(log.topic(OFFSETS_TOPIC)).get().extracting(t -> t.config().compact()).isEqualTo(true);
        }
    }

    @Test
    void shouldMakeAppendsAndOffsetsOfOneCommitVisibleTogether() throws Exception {
        try (Log log = openWithTopics()) {
            Commit commit = Commit.builder()
                    .append("payments", List.of(NewRecord.of("p1", "paid"), NewRecord.of("p2", "paid")))
                    .offset("enricher", "orders", 1, 42).build();
            CommitResult result = log.commit(commit).join();

            assertThat(result.positions()).containsExactly(List.of(new RecordPosition(0, 0),
                    new RecordPosition(0, 1)));
            assertThat(log.read("payments", 0, 0, 10)).extracting(LogRecord::keyAsString).containsExactly("p1", "p2");
            assertThat(log.committedOffset("enricher", "orders", 1)).isEqualTo(OptionalLong.of(42));
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.read("payments", 0, 0, 10)).hasSize(2);
            assertThat(log.committedOffset("enricher", "orders", 1)).isEqualTo(OptionalLong.of(42));
        }
    }

    @Test
    void shouldCommitNeitherTheAppendsNorTheOffsetsWhenOneOffsetIsRefused() throws Exception {
        try (Log log = openWithTopics()) {
            Commit commit = Commit.builder().append("payments", List.of(NewRecord.of("p1", "paid")))
                    .offset("enricher", "orders", 1, 42).offset("", "orders", 2, 1).build();
            assertThatThrownBy(() -> log.commit(commit)).isInstanceOf(LogException.class)
                    .hasMessageContaining("consumer group");
            assertThat(log.read("payments", 0, 0, 10)).isEmpty();
            assertThat(log.committedOffset("enricher", "orders", 1)).isEmpty();
        }
    }

    @Test
    void shouldForgetATopicsOffsetsWhenItIsDeletedAndNotBringThemBackWhenItIsRecreated() throws Exception {
        try (Log log = openWithTopics()) {
            log.commitOffsets(List.of(offset("billing", "orders", 0, 5), offset("billing", "orders", 2, 7),
                    offset("billing", "payments", 0, 3), offset("audit", "orders", 1, 8))).join();

            log.deleteTopic("orders");
            assertThat(log.committedOffset("billing", "orders", 0)).isEmpty();
            assertThat(log.groupOffsets("billing")).containsExactly(offset("billing", "payments", 0, 3));
            assertThat(log.groupOffsets("audit")).isEmpty();

            log.createTopic(TopicConfig.of("orders", 3));
            assertThat(log.committedOffset("billing", "orders", 0)).isEmpty();
            assertThat(log.committedOffset("audit", "orders", 1)).isEmpty();
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.groupOffsets("billing")).containsExactly(offset("billing", "payments", 0, 3));
            assertThat(log.groupOffsets("audit")).isEmpty();
        }
    }

    /**
     * Deleting a topic moves its directory away, then commits the removal of its group offsets. A crash between the
     * two (a power loss here; a kill -9 leaves the same files) used to leave the offsets, which then applied to a
     * topic created later under the same name, so a consumer would skip its first records. The next open removes them.
     */
    @Test
    void shouldForgetTheOffsetsOfATopicWhoseDeletionACrashCutShortAlsoWhenItIsRecreated() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicReference<FaultyFileSeam> disk = new AtomicReference<>();
        FileSeam files = new NoSyncFileSeam();
        disk.set(new FaultyFileSeam(new FileSeam() {
            @Override
            public LogFile open(Path path) throws IOException {
                return files.open(path);
            }

            @Override
            public void forceDirectory(Path d) throws IOException {
                if (armed.get() && d.endsWith("topics")) {
                    disk.get().crash(new Random(1)); // right after the topic's directory was moved to the trash
                }
            }
        }));
        try (Log log = Log.open(dir, c -> c.withFileSeam(disk.get()))) {
            log.createTopic(TopicConfig.of("orders", 3));
            log.createTopic(TopicConfig.of("payments", 1));
            log.commitOffsets(List.of(offset("billing", "orders", 0, 5), offset("billing", "payments", 0, 3))).join();
            armed.set(true);
            assertThatThrownBy(() -> log.deleteTopic("orders")).isInstanceOf(LogException.class);
        } catch (IOException e) {
            // closing on a disk that is gone may fail
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.topic("orders")).isEmpty();
            assertThat(log.groupOffsets("billing")).containsExactly(offset("billing", "payments", 0, 3));
            assertThat(log.recoveryNotes()).anyMatch(n -> n.contains("group offsets of deleted topics"));
            log.createTopic(TopicConfig.of("orders", 3));
            assertThat(log.committedOffset("billing", "orders", 0)).isEmpty();
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.committedOffset("billing", "orders", 0)).as("after another reopen").isEmpty();
            assertThat(log.groupOffsets("billing")).containsExactly(offset("billing", "payments", 0, 3));
        }
    }

    @Test
    void shouldRefuseOffsetsForTopicsAndPartitionsThatDoNotExist() throws Exception {
        try (Log log = openWithTopics()) {
            for (String topic : new String[] {"a\u0000b", "a/b", ""}) {
                assertThatThrownBy(() -> log.commitOffsets(List.of(offset("billing", topic, 0, 1))))
                        .as("topic %s", topic).isInstanceOf(LogException.class)
                        .satisfies(e -> assertThat(((LogException) e).kind().isBadInput()).isTrue());
            }
            // An offset for a topic that does not exist (yet) would silently apply to a topic created later.
            assertThatThrownBy(() -> log.commitOffsets(List.of(offset("billing", "not-created-yet", 0, 1))))
                    .isInstanceOf(LogException.class).hasMessageContaining("unknown topic 'not-created-yet'");
            assertThatThrownBy(() -> log.commitOffsets(List.of(offset("billing", "orders", 99, 1))))
                    .isInstanceOf(LogException.class).hasMessageContaining("no partition 99");
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.groupOffsets("billing")).isEmpty();
        }
    }

    @Test
    void shouldRefuseInvalidGroupNames() throws Exception {
        try (Log log = openWithTopics()) {
            List<String> bad = new ArrayList<>(List.of("", "a\u0000b", "g".repeat(250)));
            bad.add(null);
            for (String group : bad) {
                assertThatThrownBy(() -> log.commitOffsets(List.of(offset(group, "orders", 0, 1))))
                        .as("group %s", group).isInstanceOf(LogException.class)
                        .satisfies(e -> assertThat(((LogException) e).kind())
                                .isEqualTo(LogException.Kind.INVALID_RECORD))
                        .hasMessageContaining("invalid consumer group name");
            }
            log.commitOffsets(List.of(offset("g".repeat(249), "orders", 0, 1), offset("ünïcødé ✓", "orders", 0, 2)))
                    .join();
            assertThat(log.committedOffset("g".repeat(249), "orders", 0)).isEqualTo(OptionalLong.of(1));
            assertThat(log.committedOffset("ünïcødé ✓", "orders", 0)).isEqualTo(OptionalLong.of(2));
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.committedOffset("ünïcødé ✓", "orders", 0)).isEqualTo(OptionalLong.of(2));
        }
    }
}
