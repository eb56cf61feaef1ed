package dev.faucet.connect.webhook;

import static dev.faucet.connect.webhook.Fixtures.batch;
import static dev.faucet.connect.webhook.Fixtures.config;
import static dev.faucet.connect.webhook.Fixtures.id;
import static dev.faucet.connect.webhook.Fixtures.open;
import static dev.faucet.connect.webhook.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.faucet.connect.webhook.Receiver.Answer;
import dev.faucet.connect.webhook.Receiver.Request;
import dev.faucet.engine.Sink;
import dev.faucet.engine.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Records delivered one request each: what each request carries, and how many run at once. */
class WebhookSinkTest extends ReceiverTest {
    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldPostEachValueUnderItsIdentitySignedAndWithItsTrace() throws Exception {
        var settings = config("{\"url\": \"" + receiver.url() + "\", \"secret\": \"${HOOK_SECRET}\","
                + " \"headers\": {\"X-Team\": \"${TEAM}\"}}", Map.of("HOOK_SECRET", "s3cret", "TEAM", "payments"));
        List<SinkRecord> records = List.of(
                record(0, "a", "{\"n\": 0}", Map.of("traceparent", TRACE), 0),
                record(1, null, "{\"n\": 1}"));

        try (Sink sink = open(settings)) {
            sink.write(batch(records));
        }

        assertThat(receiver.bodies()).containsExactlyInAnyOrder("{\"n\": 0}", "{\"n\": 1}");
        for (Request r : receiver.requests()) {
            int i = r.body().contains("0") ? 0 : 1;
            assertThat(r.path()).isEqualTo("/hook");
            assertThat(r.header("Idempotency-Key")).isEqualTo(id(i)).isEqualTo("orders:orders-in:1:" + (40 + i));
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("User-Agent")).isEqualTo("faucet");
            assertThat(r.header("Faucet-Pipeline")).isEqualTo("orders");
            assertThat(r.header("X-Team")).isEqualTo("payments");
            assertThat(r.header("traceparent")).isEqualTo(i == 0 ? TRACE : null);
            assertSigned(r, "s3cret");
        }
    }

    @Test
    void shouldSendNoSignatureWithoutSecret() throws Exception {
        try (Sink sink = open(config("{\"url\": \"" + receiver.url() + "\"}"))) {
            sink.write(batch(List.of(record(0, "a", "{}"))));
        }

        assertThat(receiver.requests()).singleElement()
                .satisfies(r -> assertThat(r.header("Faucet-Signature")).isNull());
    }

    @Test
    void shouldKeepAtMostConcurrencyRequestsInFlight() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        receiver.answer(r -> Answer.status(200).after(gate));
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(record(i, "k" + i, "{\"n\": " + i + "}"));
        }

        try (Sink sink = open(config("{\"url\": \"" + receiver.url() + "\", \"concurrency\": 3}"))) {
            FutureTask<Void> writing = new FutureTask<>(() -> {
                sink.write(batch(records));
                return null;
            });
            Thread.ofPlatform().daemon().name("test-write").start(writing);
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.inFlight() == 3);
            // Held answers: a sink sending more than 3 at once would show a 4th here.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> receiver.inFlight() == 3);
            gate.countDown();
            writing.get(5, TimeUnit.SECONDS);
        }

        assertThat(receiver.maxInFlight()).isEqualTo(3);
        assertThat(receiver.requests()).extracting(r -> r.header("Idempotency-Key"))
                .containsExactlyInAnyOrderElementsOf(records.stream().map(r -> r.id("orders")).toList());
    }

    /** Recomputes the signature as a receiver would, and checks it is recent. */
    static void assertSigned(Request r, String secret) throws Exception {
        String header = r.header("Faucet-Signature");
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = header.substring(2, header.indexOf(','));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] signed = (t + "." + r.body()).getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(mac.doFinal(signed));
        assertThat(header).endsWith(",v1=" + expected);
        assertThat(Long.parseLong(t)).isCloseTo(Instant.now().getEpochSecond(), within(10L));
    }
}
