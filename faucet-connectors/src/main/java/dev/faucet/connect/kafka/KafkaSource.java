package dev.faucet.connect.kafka;

import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Source;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of a Kafka topic with a consumer of no group (positions are Faucet's, stored with what was
 * copied), {@code read_committed} so aborted transactions never come through, from the stored positions or
 * {@code from} ({@code earliest}, the default, or {@code latest}) for a partition without one. Partitions added to the
 * topic later are read after the source is started again.
 */
final class KafkaSource implements Source {
    static final Set<String> OWN = Set.of("bootstrap.servers", "group.id", "enable.auto.commit", "key.deserializer",
            "value.deserializer");
    private final ConnectorConfig config;
    private KafkaConsumer<byte[], byte[]> consumer;
    private long lastCheck = System.nanoTime();

    KafkaSource(ConnectorConfig config) {
        this.config = config;
    }

    @Override
    public void open(SourceContext context, Map<Integer, Long> positions) throws SourceException {
        close();
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000"); // one log commit per poll
        p.putAll(config.map("properties"));
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.text("bootstrap"));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        String topic = config.raw("topic");
        try {
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (parts == null || parts.isEmpty()) {
                throw new SourceException("the Kafka topic '" + topic + "' does not exist at " + config.raw(
                        "bootstrap"), true, null);
            }
            List<TopicPartition> tps = new ArrayList<>();
            parts.forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(tps);
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition tp : tps) {
                Long at = positions.get(tp.partition());
                if (at != null) {
                    consumer.seek(tp, at);
                } else {
                    fresh.add(tp);
                }
            }
            // An empty list would mean every assigned partition to these two.
            if (fresh.isEmpty()) {
                return;
            } else if ("latest".equals(config.raw("from"))) {
                consumer.seekToEnd(fresh);
            } else {
                consumer.seekToBeginning(fresh);
            }
        } catch (KafkaException e) {
            close();
            throw new SourceException("cannot read Kafka topic '" + topic + "' at " + config.raw("bootstrap") + ": "
                    + e.getMessage(), true, e);
        }
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) throws SourceException {
        List<SourceRecord> out = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                Map<String, String> headers = new LinkedHashMap<>();
                for (Header h : r.headers()) {
                    headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                }
                out.add(new SourceRecord(r.partition(), r.offset(), r.key(), r.value(), headers, r.timestamp()));
            }
            // A consumer retries an unreachable cluster silently; asking for end offsets now and then makes an
            // outage a failure that status shows (and the engine reopens the source after it).
            if (!out.isEmpty()) {
                lastCheck = System.nanoTime();
            } else if (System.nanoTime() - lastCheck > 5_000_000_000L) {
                consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
                lastCheck = System.nanoTime();
            }
        } catch (KafkaException e) {
            throw new SourceException("reading Kafka topic '" + config.raw("topic") + "' failed: " + e.getMessage(),
                    true, e);
        }
        return out;
    }

    @Override
    public void close() {
        if (consumer != null) {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1)));
            } catch (KafkaException e) {
                // a broken consumer: nothing more to do
            }
            consumer = null;
        }
    }
}
