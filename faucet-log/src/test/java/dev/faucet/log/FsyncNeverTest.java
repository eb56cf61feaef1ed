package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fsync: never} topics: a power loss may take their tail, but never an offset's identity. */
class FsyncNeverTest {
    @TempDir
    Path dir;

    /** A power loss that keeps almost nothing that was not fsynced. */
    private static final class LoseNearlyEverything extends Random {
        private static final long serialVersionUID = 1L;

        @Override
        public double nextDouble() {
            return 0.999_999;
        }
    }

    @Test
    void shouldNeverHandOutAgainTheOffsetsAnFsyncNeverTopicAcknowledgedBeforeAPowerLoss() throws Exception {
        FaultyFileSeam seam = new FaultyFileSeam(new NoSyncFileSeam());
        List<RecordPosition> acknowledged = new ArrayList<>();
        try (Log log = Log.open(dir, c -> c.withFileSeam(seam))) {
            log.createTopic(TopicConfig.of("fast", 1).withFsync(FsyncPolicy.NEVER));
            log.createTopic(TopicConfig.of("safe", 1));
            for (int i = 0; i < 20; i++) {
                // Each commit also touches a durable topic, so its commit record is fsynced.
                Commit commit = Commit.builder().append("fast", List.of(NewRecord.of("k", "fast-" + i)))
                        .append("safe", List.of(NewRecord.of("k", "safe-" + i))).build();
                acknowledged.add(log.commit(commit).get().positions().get(0).get(0));
            }
            seam.crash(new LoseNearlyEverything());
        }
        try (Log log = Log.open(dir)) {
            assertThat(log.recoveryNotes()).anyMatch(n -> n.contains("fsync: never") && n.contains("lost"));
            assertThat(log.read("safe", 0, 0, 100)).hasSize(20);
            long next = log.append("fast", NewRecord.of("k", "after")).get().offset();
            assertThat(next).as("the first offset after the loss").isGreaterThan(acknowledged.getLast().offset());
            assertThat(log.read("fast", 0, 0, 100)).extracting(LogRecord::valueAsString).endsWith("after")
                    .allMatch(v -> v.startsWith("fast-") || v.equals("after"));
        }
    }

    @Test
    void shouldLoseNothingOfAnFsyncNeverTopicWhenOnlyTheProcessDies() throws Exception {
        try (Log log = Log.open(dir, c -> c.withMaintenance(Duration.ofHours(1), Duration.ofDays(1)))) {
            log.createTopic(TopicConfig.of("fast", 2).withFsync(FsyncPolicy.NEVER));
            for (int i = 0; i < 50; i++) {
                log.append("fast", NewRecord.of("k" + i, "v" + i)).get();
            }
        }
        try (Log log = Log.open(dir)) {
            int total = log.read("fast", 0, 0, 100).size() + log.read("fast", 1, 0, 100).size();
            assertThat(total).isEqualTo(50);
            assertThat(log.recoveryNotes()).noneMatch(n -> n.contains("lost"));
        }
    }
}
