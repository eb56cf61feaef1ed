package dev.faucet.connect.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.SinkContext;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Settings, records and batches as the engine would hand them to a webhook sink. */
final class Fixtures {
    static final String PIPELINE = "orders";
    static final String SOURCE_TOPIC = "orders-in";
    static final int SOURCE_PARTITION = 1;
    /** The source offset of record 0; record i came from {@code FIRST_OFFSET + i}. */
    static final long FIRST_OFFSET = 40;
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** Settings from JSON (durations in milliseconds), with the given environment. */
    static ConnectorConfig config(String json, Map<String, String> env) {
        try {
            return new ConnectorConfig("webhook", (ObjectNode) JSON.readTree(json), env::get);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test settings: " + json, e);
        }
    }

    static ConnectorConfig config(String json) {
        return config(json, Map.of());
    }

    static SinkContext context(ConnectorConfig config) {
        return new SinkContext(PIPELINE, "sink#1", "__faucet.sink.orders.1", 0, Guarantee.AT_LEAST_ONCE, config);
    }

    /** An opened sink; the caller closes it. */
    static WebhookSink open(ConnectorConfig config) throws SinkException {
        WebhookSink sink = (WebhookSink) new WebhookSinkProvider().create(config);
        sink.open(context(config));
        return sink;
    }

    static SinkRecord record(int i, String key, String value, Map<String, String> headers, long timestampMs) {
        return new SinkRecord(0, 100 + i, new SinkRecord.Source(SOURCE_TOPIC, SOURCE_PARTITION, FIRST_OFFSET + i),
                key, value.getBytes(StandardCharsets.UTF_8), headers, timestampMs);
    }

    static SinkRecord record(int i, String key, String value) {
        return record(i, key, value, Map.of(), 1_714_557_600_000L);
    }

    /** The identity the engine gives record {@code i}. */
    static String id(int i) {
        return PIPELINE + ":" + SOURCE_TOPIC + ":" + SOURCE_PARTITION + ":" + (FIRST_OFFSET + i);
    }

    static SinkBatch batch(List<SinkRecord> records) {
        String id = records.get(0).id(PIPELINE) + (records.size() > 1 ? "/" + records.size() : "");
        return new SinkBatch(id, 0, records, records.get(records.size() - 1).offset() + 1);
    }

    /** The failure of a write that must fail. */
    static SinkException failureOf(WebhookSink sink, SinkBatch batch) {
        try {
            sink.write(batch);
        } catch (SinkException e) {
            return e;
        }
        throw new AssertionError("the write succeeded; a failure was expected");
    }
}
