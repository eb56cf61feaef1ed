package dev.faucet.connect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.SourceStatus;
import dev.faucet.log.LogRecord;
import dev.faucet.log.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka source against a real broker: a Kafka topic copied into a Faucet topic, every record once across a
 * restart and across the broker going away, aborted Kafka transactions never copied, bad definitions refused.
 */
class KafkaSourceTest {
    static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(Files.createTempDirectory("faucet-kafka-broker"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("legacy-orders", Optional.of(3), Optional.empty()))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static void produce(int from, int to) {
        Map<String, Object> p = Map.of("bootstrap.servers", broker.bootstrap(), "transactional.id", "test-producer");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("legacy-orders", ("k" + i % 7).getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("legacy-orders", "aborted".getBytes(StandardCharsets.UTF_8),
                    "{\"n\":-1}".getBytes(StandardCharsets.UTF_8)));
            producer.abortTransaction();
        }
    }

    private static ObjectNode settings() {
        return JsonNodeFactory.instance.objectNode().put("bootstrap", broker.bootstrap()).put("topic", "legacy-orders");
    }

    private static Map<Integer, Integer> copied(PipelineRuntime rt) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            long offset = 0;
            while (true) {
                List<LogRecord> batch = rt.read("orders", p, offset, 1000);
                if (batch.isEmpty()) {
                    break;
                }
                for (LogRecord r : batch) {
                    String v = r.valueAsString();
                    counts.merge(Integer.parseInt(v.substring(5, v.length() - 1)), 1, Integer::sum);
                    offset = r.offset() + 1;
                }
            }
        }
        return counts;
    }

    @Test
    void everyRecordIsCopiedOnceAcrossARestartAndTheBrokerGoingAway() throws Exception {
        produce(0, 300);
        try (PipelineRuntime rt = EmbeddedRuntime.open(dir)) {
            rt.createTopic(TopicConfig.of("orders", 2));
            rt.startSource("legacy", "kafka", settings(), "orders");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> copied(rt).size() == 300);
            List<LogRecord> one = rt.read("orders", 0, 0, 1);
            assertThat(one.get(0).headers()).anyMatch(h -> h.name().equals("faucet-source")
                    && h.valueAsString().equals("legacy"));
            SourceStatus s = rt.sources().get(0);
            assertThat(s.records()).isEqualTo(300);
            assertThat(copied(rt).values()).as("copied once each").allMatch(c -> c == 1);
        }
        produce(300, 500);
        try (PipelineRuntime rt = EmbeddedRuntime.open(dir)) {
            rt.startSource("legacy", "kafka", settings(), "orders");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> copied(rt).size() == 500);
            assertThat(copied(rt).values()).as("copied once each after a restart").allMatch(c -> c == 1);
            broker.stop();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rt.sources().get(0).error() != null);
            } finally {
                broker.start();
            }
            produce(500, 600);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> copied(rt).size() == 600);
            Map<Integer, Integer> counts = copied(rt);
            List<Integer> repeated = new ArrayList<>();
            counts.forEach((n, c) -> {
                if (c != 1) {
                    repeated.add(n);
                }
            });
            assertThat(repeated).as("records copied more than once").isEmpty();
            assertThat(counts).doesNotContainKey(-1);
        }
    }

    @Test
    void aBadDefinitionIsRefusedWithEveryProblem() throws Exception {
        try (PipelineRuntime rt = EmbeddedRuntime.open(dir)) {
            ObjectNode bad = JsonNodeFactory.instance.objectNode().put("bootstrap", "nowhere").put("topic", "a b")
                    .put("from", "middle");
            assertThatThrownBy(() -> rt.startSource("s", "kafka", bad, "missing"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("kafka.bootstrap: 'nowhere' is not a list of brokers")
                    .hasMessageContaining("kafka.topic: 'a b' is not a Kafka topic name")
                    .hasMessageContaining("kafka.from: 'middle' is not earliest or latest")
                    .hasMessageContaining("the topic 'missing' it copies to does not exist");
        }
    }
}
