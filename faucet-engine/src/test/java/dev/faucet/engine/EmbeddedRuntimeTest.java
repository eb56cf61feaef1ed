package dev.faucet.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faucet.log.LogException;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRuntimeTest {
    private static final byte[] FINGERPRINT = "f".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static Publish keyed(String topic, String key) {
        return new Publish(topic, List.of(NewRecord.of("k", "v")), key, FINGERPRINT);
    }

    @Test
    void aTopicDeletedAndCreatedAgainForgetsItsIdempotencyKeysAlsoAfterARestart() throws Exception {
        try (EmbeddedRuntime runtime = EmbeddedRuntime.open(dir)) {
            runtime.createTopic(TopicConfig.of("orders", 2));
            assertThat(runtime.publish(keyed("orders", "k1")).join().replayed()).isFalse();
            runtime.deleteTopic("orders");
            runtime.createTopic(TopicConfig.of("orders", 2));
            assertThat(runtime.publish(keyed("orders", "k1")).join().replayed()).isFalse();
            runtime.deleteTopic("orders");
            runtime.createTopic(TopicConfig.of("orders", 2));
        }
        try (EmbeddedRuntime runtime = EmbeddedRuntime.open(dir)) {
            assertThat(runtime.publish(keyed("orders", "k1")).join().replayed()).isFalse();
            assertThat(runtime.topic("orders").orElseThrow().partitions().stream()
                    .mapToLong(p -> p.endOffset()).sum()).isEqualTo(1);
        }
    }

    @Test
    void internalTopicsAreNeitherListedNorPublishable() throws Exception {
        try (EmbeddedRuntime runtime = EmbeddedRuntime.open(dir)) {
            assertThat(runtime.topics()).isEmpty();
            assertThat(runtime.topic("__faucet.idempotency")).isEmpty();
            assertThatThrownBy(() -> runtime.publish(keyed("__faucet.idempotency", "k")))
                    .isInstanceOf(LogException.class).hasMessageContaining("Faucet's own");
            assertThatThrownBy(() -> runtime.publish(Publish.of("__faucet.offsets", List.of(NewRecord.of("k", "v")))))
                    .isInstanceOf(LogException.class);
        }
    }

    @Test
    void aRequestRefusedWholeLeavesItsKeyFreeForTheNextTry() throws Exception {
        try (EmbeddedRuntime runtime = EmbeddedRuntime.open(dir, c -> c.withMaxRecordBytes(1024),
                IdempotencySettings.DEFAULTS)) {
            runtime.createTopic(TopicConfig.of("orders", 1));
            Publish tooLarge = new Publish("orders", List.of(NewRecord.of(new byte[0], new byte[4096])), "k1",
                    FINGERPRINT);
            assertThatThrownBy(() -> runtime.publish(tooLarge).join()).isInstanceOf(LogException.class);
            assertThat(runtime.publish(keyed("orders", "k1")).join().replayed()).isFalse();
        }
    }
}
