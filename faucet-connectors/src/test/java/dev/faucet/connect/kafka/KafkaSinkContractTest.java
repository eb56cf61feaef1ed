package dev.faucet.connect.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.testkit.SinkContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The sink contract against a real Kafka broker (KRaft, a child JVM started here). The target topic has 3
 * partitions; {@link #applied()} reads it {@code read_committed}, so a record counts once its transaction committed.
 * Kafka refuses a record over the producer's {@code max.request.size}; the target goes down by stopping the broker.
 */
class KafkaSinkContractTest extends SinkContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger TOPICS = new AtomicInteger();
    static KafkaBroker broker;
    static Path brokerDir;
    private String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        brokerDir = Files.createTempDirectory("faucet-kafka-broker");
        broker = KafkaBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Override
    protected String sinkType() {
        return "kafka";
    }

    @Override
    protected ObjectNode settings() throws Exception {
        topic = "contract-" + TOPICS.incrementAndGet();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get();
        }
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("bootstrap", broker.bootstrap()).put("topic", topic);
        s.putObject("properties").put("max.request.size", "4096").put("max.block.ms", "3000")
                .put("request.timeout.ms", "3000").put("delivery.timeout.ms", "8000");
        return s;
    }

    @Override
    protected List<String> applied() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        p.put("isolation.level", "read_committed");
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                parts.add(new TopicPartition(topic, i));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    ids.add(JSON.readTree(r.value()).path("id").asText());
                }
            }
        }
        return ids;
    }

    @Override
    protected String refusedValue(String id) {
        return "{\"id\":\"" + id + "\",\"padding\":\"" + "x".repeat(8000) + "\"}";
    }

    @Override
    protected void targetDown() throws Exception {
        broker.stop();
    }

    @Override
    protected void targetUp() throws Exception {
        broker.start();
    }
}
