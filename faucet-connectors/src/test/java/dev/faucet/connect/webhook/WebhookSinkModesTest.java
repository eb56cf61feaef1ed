package dev.faucet.connect.webhook;

import static dev.faucet.connect.webhook.Fixtures.JSON;
import static dev.faucet.connect.webhook.Fixtures.batch;
import static dev.faucet.connect.webhook.Fixtures.config;
import static dev.faucet.connect.webhook.Fixtures.failureOf;
import static dev.faucet.connect.webhook.Fixtures.id;
import static dev.faucet.connect.webhook.Fixtures.open;
import static dev.faucet.connect.webhook.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faucet.connect.webhook.Receiver.Answer;
import dev.faucet.connect.webhook.Receiver.Request;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code batch} above 1 (one request for the engine's batch) and {@code ordered} (a key's records in turn). */
class WebhookSinkModesTest extends ReceiverTest {
    private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void shouldPostABatchAsOneJsonArrayUnderTheBatchIdentity() throws Exception {
        long at = 1_714_557_600_000L;  // 2024-05-01T10:00:00Z
        SinkBatch batch = batch(List.of(
                record(0, "a", "{\"amount\": 3}", Map.of("traceparent", TRACE, "source", "web"), at),
                record(1, null, "not json", Map.of(), at + 1500),
                record(2, "c", "42")));

        try (WebhookSink sink = open(config("{\"url\": \"" + receiver.url() + "\", \"batch\": 3}"))) {
            sink.write(batch);
        }

        Request r = receiver.requests().getFirst();
        assertThat(receiver.requests()).hasSize(1);
        assertThat(r.header("Idempotency-Key")).isEqualTo(batch.id()).isEqualTo("orders:orders-in:1:40/3");
        assertThat(r.header("traceparent")).isEqualTo(TRACE);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(3);
        JsonNode first = body.get(0);
        assertThat(first.get("id").asText()).isEqualTo(id(0));
        assertThat(first.get("key").asText()).isEqualTo("a");
        assertThat(first.get("value")).isEqualTo(JSON.readTree("{\"amount\": 3}"));
        assertThat(first.get("headers")).isEqualTo(JSON.readTree("{\"traceparent\": \"" + TRACE + "\","
                + " \"source\": \"web\"}"));
        assertThat(first.get("timestamp").asText()).isEqualTo("2024-05-01T10:00:00Z");
        JsonNode second = body.get(1);
        assertThat(second.get("id").asText()).isEqualTo(id(1));
        assertThat(second.get("key").isNull()).isTrue();
        assertThat(second.get("value").isTextual()).isTrue();
        assertThat(second.get("value").asText()).isEqualTo("not json");
        assertThat(second.get("headers").isEmpty()).isTrue();
        assertThat(second.get("timestamp").asText()).isEqualTo("2024-05-01T10:00:01.500Z");
        assertThat(body.get(2).get("value").isNumber()).isTrue();
        assertThat(body.get(2).get("value").asInt()).isEqualTo(42);
    }

    @Test
    void shouldFailAWholeBatchWhenItsRequestFails() throws Exception {
        receiver.answer(r -> Answer.status(500).body("database down"));
        SinkBatch batch = batch(List.of(record(0, "a", "{}"), record(1, "b", "{}")));

        SinkException e;
        try (WebhookSink sink = open(config("{\"url\": \"" + receiver.url() + "\", \"batch\": 2}"))) {
            e = failureOf(sink, batch);
        }

        assertThat(e.failed()).as("empty: the whole batch").isEmpty();
        assertThat(e.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
        assertThat(e.type()).isEqualTo("sink-http-500");
        assertThat(e.getMessage()).isEqualTo("POST " + receiver.url() + " answered 500: database down");
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void shouldHoldBackTheRestOfAKeyAfterItsRecordFailedAndDeliverOtherKeys() throws Exception {
        receiver.answer(r -> r.body().contains("a0") ? Answer.status(500) : Answer.status(200));
        List<SinkRecord> records = List.of(
                record(0, "a", "\"a0\""), record(1, "b", "\"b1\""), record(2, "a", "\"a2\""),
                record(3, "b", "\"b3\""), record(4, "a", "\"a4\""), record(5, null, "\"n5\""));

        SinkException e;
        try (WebhookSink sink = open(config("{\"url\": \"" + receiver.url() + "\", \"ordered\": true,"
                + " \"concurrency\": 4}"))) {
            e = failureOf(sink, batch(records));
        }

        assertThat(e.failed()).containsOnlyKeys(0, 2, 4);
        assertThat(e.failed().get(0).type()).isEqualTo("sink-http-500");
        for (int held : List.of(2, 4)) {
            SinkException f = e.failed().get(held);
            assertThat(f.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
            assertThat(f.getMessage()).startsWith("not sent: an earlier record of key 'a' failed (record 0 of the"
                    + " batch: POST " + receiver.url() + " answered 500");
        }
        assertThat(e.getMessage()).contains("first: POST " + receiver.url() + " answered 500");
        assertThat(receiver.bodies()).as("nothing of key a after its failure; key b in order")
                .containsExactlyInAnyOrder("\"a0\"", "\"b1\"", "\"b3\"", "\"n5\"")
                .containsSubsequence("\"b1\"", "\"b3\"");
    }
}
