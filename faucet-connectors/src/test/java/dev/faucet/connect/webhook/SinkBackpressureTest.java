package dev.faucet.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.log.Header;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that stays down holds back its pipeline instead of filling the disk: the sink's queue stops at
 * {@code faucet.sink.maxQueued} records and the rest waits as input lag (which the server's backlog limit turns into
 * 429s); once the target is back, everything is delivered.
 */
class SinkBackpressureTest extends ReceiverTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearLimit() {
        System.clearProperty("faucet.sink.maxQueued");
        System.clearProperty("faucet.pipeline.batchRecords");
    }

    @Test
    void aDownTargetStopsThePipelineAtTheQueueLimitAndNothingIsLost() throws Exception {
        System.setProperty("faucet.sink.maxQueued", "50");
        // The queue may pass the limit by what is in flight: 4 commits of one batch each.
        System.setProperty("faucet.pipeline.batchRecords", "20");
        receiver.answer(r -> Receiver.Answer.status(503));
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(dir)) {
            rt.createTopic(TopicConfig.of("in", 1));
            ObjectNode s = JsonNodeFactory.instance.objectNode().put("url", receiver.url()).put("timeout", 1000);
            s.putObject("breaker").put("failures", 3).put("pause", 100);
            rt.deploy(Pipeline.from("in").errors(new ErrorPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50),
                    null, ErrorPolicy.OnFailure.DEAD_LETTER)).sink("webhook", s).build("held"));
            List<NewRecord> records = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                records.add(new NewRecord(null, ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                        List.<Header>of(), NewRecord.NO_TIMESTAMP, NewRecord.ANY_PARTITION));
            }
            rt.publish(new Publish("in", records, null, null)).join();

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> queued(rt) >= 50);
            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> queued(rt) <= 50 + 4 * 20);
            PipelineStatus held = rt.pipeline("held").orElseThrow();
            assertThat(held.lagRecords()).as("records held back as input lag").isGreaterThanOrEqualTo(500 - 130);
            assertThat(held.sinks().get(0).state()).isNotEqualTo(PipelineStatus.SinkState.DELIVERING);

            receiver.answer(r -> Receiver.Answer.status(200));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> rt.pipeline("held").orElseThrow().sinks()
                    .get(0).delivered() == 500);
            assertThat(rt.pipeline("held").orElseThrow().lagRecords()).isZero();
            assertThat(receiver.requests().stream().map(Receiver.Request::body).distinct().count()).isEqualTo(500);
        }
    }

    private static long queued(EmbeddedRuntime rt) {
        return rt.pipeline("held").orElseThrow().sinks().get(0).partitions().stream()
                .mapToLong(PipelineStatus.SinkPartition::queued).sum();
    }
}
