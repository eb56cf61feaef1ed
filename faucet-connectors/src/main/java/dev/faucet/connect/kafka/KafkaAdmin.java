package dev.faucet.connect.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the Kafka sink asks of the cluster besides writing: its topics, and its stored position. */
final class KafkaAdmin implements AutoCloseable {
    private static final long TIMEOUT_S = 10;
    private final Properties props = new Properties();
    private final Admin admin;

    KafkaAdmin(String bootstrap, Map<String, String> extra) {
        props.putAll(extra);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        admin = Admin.create(adminProps());
    }

    private Properties adminProps() {
        Properties p = new Properties();
        // Only what admin and consumer clients share with the producer: connection and security.
        for (String k : List.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                "security.protocol", "sasl.mechanism",
                "sasl.jaas.config", "ssl.truststore.location", "ssl.truststore.password")) {
            if (props.containsKey(k)) {
                p.put(k, props.get(k));
            }
        }
        return p;
    }

    /** Fails with a clear message when the sink's topic does not exist (the sink does not create it). */
    void requireTopic(String topic) {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new KafkaException("the topic '" + topic + "' does not exist in the Kafka cluster; create it"
                        + " (the sink does not choose its partitions and replication for you)");
            }
            throw new KafkaException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("the cluster did not answer within " + TIMEOUT_S + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        }
    }

    /** Creates the compacted positions topic (one partition, the cluster's replication) when missing. */
    void createPositionsTopic(String name) {
        NewTopic t = new NewTopic(name, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact"));
        try {
            admin.createTopics(List.of(t)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaException("cannot create the positions topic '" + name + "': " + e.getCause()
                        .getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new KafkaException("the cluster did not answer within " + TIMEOUT_S + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        }
    }

    /** The last committed position stored under {@code key}, or -1. */
    long readPosition(String topic, byte[] key) {
        Properties p = adminProps();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long found = -1;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(TIMEOUT_S)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.position(tp, Duration.ofSeconds(TIMEOUT_S)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("reading the positions topic '" + topic + "' took over 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(r.key(), key)) {
                        found = r.value() == null ? -1 : Long.parseLong(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return found;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
