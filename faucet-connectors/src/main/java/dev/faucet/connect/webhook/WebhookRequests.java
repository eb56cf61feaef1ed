package dev.faucet.connect.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.SinkRecord;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The POSTs of one webhook sink: a record's value as it is, or a batch as a JSON array, each under the identity the
 * engine keeps across attempts and crashes ({@code Idempotency-Key}), so a receiver can drop what it already has.
 * Settings' headers are applied before the protocol's own, so they may replace {@code User-Agent} and
 * {@code Content-Type} but never the idempotency key, the pipeline or the signature.
 */
final class WebhookRequests {
    static final String TRACEPARENT = "traceparent";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final WebhookSettings settings;
    private final String pipeline;

    WebhookRequests(WebhookSettings settings, String pipeline) {
        this.settings = settings;
        this.pipeline = pipeline;
    }

    /** One record: its value is the body, its identity {@code <pipeline>:<topic>:<partition>:<offset>} the key. */
    HttpRequest one(SinkRecord record) {
        byte[] body = record.value() == null ? new byte[0] : record.value();
        return post(body, record.id(pipeline), traceparent(record));
    }

    /**
     * A whole batch as a JSON array under the batch's identity; the trace passed on is the first record's that has
     * one (one request can only belong to one trace).
     */
    HttpRequest batch(SinkBatch batch) {
        String trace = batch.records().stream().map(WebhookRequests::traceparent).filter(t -> t != null)
                .findFirst().orElse(null);
        return post(batchBody(batch.records()), batch.id(), trace);
    }

    HttpRequest post(byte[] body, String idempotencyKey, String traceparent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.url)
                .timeout(settings.timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .setHeader("User-Agent", "faucet")
                .setHeader("Content-Type", "application/json");
        settings.headers.forEach(b::setHeader);
        b.setHeader("Idempotency-Key", idempotencyKey);
        b.setHeader("Faucet-Pipeline", pipeline);
        if (traceparent != null) {
            b.setHeader(TRACEPARENT, traceparent);
        }
        if (settings.signature != null) {
            b.setHeader(Signature.HEADER, settings.signature.sign(Instant.now().getEpochSecond(), body));
        }
        return b.build();
    }

    /** {@code [{id, key, value, headers, timestamp}, ...]}: the value as JSON when it is, else as a string. */
    byte[] batchBody(List<SinkRecord> records) {
        ArrayNode array = JSON.createArrayNode();
        for (SinkRecord r : records) {
            ObjectNode o = array.addObject();
            o.put("id", r.id(pipeline));
            o.put("key", r.key());
            o.set("value", value(r.value()));
            ObjectNode headers = o.putObject("headers");
            if (r.headers() != null) {
                r.headers().forEach(headers::put);
            }
            o.put("timestamp", Instant.ofEpochMilli(r.timestampMs()).toString());
        }
        try {
            return JSON.writeValueAsBytes(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook batch as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode value(byte[] value) {
        if (value == null) {
            return JSON.getNodeFactory().nullNode();
        }
        try {
            JsonNode parsed = JSON.readTree(value);
            if (parsed != null && !parsed.isMissingNode()) {
                return parsed;
            }
        } catch (IOException e) {
            // not JSON: sent as text below
        }
        return JSON.getNodeFactory().textNode(new String(value, StandardCharsets.UTF_8));
    }

    /**
     * The record's W3C trace context, whatever the case of the header's name; null when it has none or one that is
     * not a valid header value (a broken trace is dropped rather than failing the record's delivery).
     */
    static String traceparent(SinkRecord record) {
        if (record.headers() == null) {
            return null;
        }
        for (Map.Entry<String, String> h : record.headers().entrySet()) {
            if (TRACEPARENT.equalsIgnoreCase(h.getKey()) && h.getValue() != null
                    && h.getValue().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                return h.getValue();
            }
        }
        return null;
    }
}
