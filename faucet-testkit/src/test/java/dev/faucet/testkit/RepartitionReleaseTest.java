package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.IdempotencySettings;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.Publish;
import dev.faucet.log.NewRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repartition topic does not grow for the pipeline's life: what the later stage committed is released. */
class RepartitionReleaseTest {
    @TempDir
    Path dir;

    @Test
    void segmentsOfTheRepartitionTopicThatTheLaterStageCommittedAreDeleted() throws Exception {
        String pad = "x".repeat(1000);
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(dir, c -> c.withMaintenance(Duration.ofMillis(50),
                Duration.ofHours(1)), IdempotencySettings.DEFAULTS)) {
            rt.createTopic(TopicConfig.of("in", 1));
            rt.createTopic(TopicConfig.of("out", 1));
            rt.deploy(Pipeline.from("in").key("k").to("out").build("rekey"));
            for (int i = 0; i < 40; i++) { // 40 × 1,000 records of about 1 KB: more than two 16 MiB segments
                List<NewRecord> batch = new ArrayList<>();
                for (int j = 0; j < 1000; j++) {
                    batch.add(NewRecord.of(("{\"k\":\"k" + (i * 1000 + j) % 97 + "\",\"pad\":\"" + pad + "\"}")
                            .getBytes(StandardCharsets.UTF_8)));
                }
                rt.publish(new Publish("in", batch, null, null)).join();
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rt.topic("out").orElseThrow().partitions()
                    .stream().mapToLong(PartitionInfo::endOffset).sum() == 40_000);
            Path repartition = dir.resolve("topics").resolve("__faucet.repartition.rekey.0").resolve("0");
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(segmentBases(repartition)).as("segments of %s", repartition).doesNotContain(0L));
            assertThat(rt.pipeline("rekey").orElseThrow().lagRecords()).isZero();
        }
    }

    private static List<Long> segmentBases(Path partitionDir) throws IOException {
        try (Stream<Path> s = Files.list(partitionDir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.log"))
                    .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }
}
