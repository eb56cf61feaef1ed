package dev.faucet.connect.kafka;

import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Sink;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.SinkContext;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records to a topic of an external Kafka cluster (key, value, headers and timestamp as they are; Kafka's
 * partitioner places them by key, as Faucet does). Every batch is one Kafka transaction that also writes the
 * position after it to a compacted positions topic ({@code positionsTopic}, default {@code faucet-sink-offsets}, key
 * {@code <pipeline>/<sink>/<queue topic>/<partition>}); on open the sink reads its position back with
 * {@code read_committed}, and records before it are skipped, so a batch delivered again is not written twice. The
 * transactional id is {@code faucet-<pipeline>-<sink>-<partition>}: a replaced instance still writing is fenced.
 *
 * <p>After any failure the producer is closed, and the next attempt starts a new one (aborting what the old one left
 * open) and reads the position again: a commit that timed out may have landed.
 */
final class KafkaSink implements Sink {
    private final ConnectorConfig config;
    private SinkContext ctx;
    private KafkaProducer<byte[], byte[]> producer;
    private long stored = -1;
    private String topic;
    private String positions;
    private byte[] positionKey;

    KafkaSink(ConnectorConfig config) {
        this.config = config;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TRANSACTIONAL, Capability.IDEMPOTENT);
    }

    @Override
    public Map<Integer, Long> open(SinkContext context) throws SinkException {
        this.ctx = context;
        this.topic = config.raw("topic");
        this.positions = config.raw("positionsTopic") == null ? "faucet-sink-offsets" : config.raw("positionsTopic");
        this.positionKey = (context.pipeline() + "/" + context.sink() + "/" + context.topic() + "/"
                + context.partition()).getBytes(StandardCharsets.UTF_8);
        ensureOpen();
        return stored < 0 ? Map.of() : Map.of(context.partition(), stored);
    }

    private Properties properties() {
        Properties p = new Properties();
        p.putAll(config.map("properties"));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.text("bootstrap"));
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "faucet-" + ctx.pipeline() + "-" + ctx.sink() + "-"
                + ctx.partition());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    /** A producer with its transactions initialised, and the stored position read: after a failure, again. */
    private void ensureOpen() throws SinkException {
        if (producer != null) {
            return;
        }
        try (KafkaAdmin admin = new KafkaAdmin(config.text("bootstrap"), config.map("properties"))) {
            admin.requireTopic(topic);
            admin.createPositionsTopic(positions);
            KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(properties(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            try {
                p.initTransactions();
            } catch (KafkaException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
            stored = admin.readPosition(positions, positionKey);
        } catch (KafkaException e) {
            closeProducer();
            throw SinkException.retryable("sink-unavailable", "cannot start writing to Kafka topic '" + topic
                    + "' at " + config.raw("bootstrap") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void restart(int partition, long position) throws SinkException {
        ensureOpen();
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(positions, positionKey, Long.toString(position)
                    .getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
            stored = position;
        } catch (KafkaException e) {
            closeProducer();
            throw SinkException.retryable("sink-unavailable", "resetting the stored position in Kafka topic '"
                    + positions + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        ensureOpen();
        List<SinkRecord> fresh = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.records().get(i).offset() >= stored) {
                fresh.add(batch.records().get(i));
                at.add(i);
            }
        }
        long next = Math.max(batch.next(), stored);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            producer.beginTransaction();
            for (SinkRecord r : fresh) {
                sent.add(producer.send(record(r)));
            }
            producer.send(new ProducerRecord<>(positions, positionKey, Long.toString(next)
                    .getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
            stored = next;
        } catch (KafkaException e) {
            Map<Integer, SinkException> rejected = rejected(sent, at);
            closeProducer();
            if (!rejected.isEmpty()) {
                throw notWritten(rejected, batch.size());
            }
            throw SinkException.retryable("sink-unavailable", "writing to Kafka topic '" + topic + "' failed: "
                    + e.getMessage(), e);
        }
    }

    private ProducerRecord<byte[], byte[]> record(SinkRecord r) {
        RecordHeaders headers = new RecordHeaders();
        r.headers().forEach((k, v) -> headers.add(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, r.timestampMs(), r.key() == null ? null
                : r.key().getBytes(StandardCharsets.UTF_8), r.value(), headers);
    }

    /** The records Kafka refused for their size: refused for good, whatever is tried again. */
    private static Map<Integer, SinkException> rejected(List<Future<RecordMetadata>> sent, List<Integer> at) {
        Map<Integer, SinkException> out = new LinkedHashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            Future<RecordMetadata> f = sent.get(i);
            if (!f.isDone()) {
                continue;
            }
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RecordTooLargeException
                        || e.getCause() instanceof RecordBatchTooLargeException) {
                    out.put(at.get(i), SinkException.rejected("sink-rejected", "Kafka refused the record: "
                            + e.getCause().getMessage(), null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }

    private static SinkException notWritten(Map<Integer, SinkException> rejected, int size) {
        Map<Integer, SinkException> all = new LinkedHashMap<>(rejected);
        for (int i = 0; i < size; i++) {
            all.putIfAbsent(i, SinkException.retryable("not-written", "not written: the batch had a record that"
                    + " Kafka refused", null));
        }
        return SinkException.partly(all);
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(1));
            } catch (KafkaException e) {
                // closing a broken producer: nothing more to do
            }
            producer = null;
        }
    }

    @Override
    public void close() {
        closeProducer();
    }
}
