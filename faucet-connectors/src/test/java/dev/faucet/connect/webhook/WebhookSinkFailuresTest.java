package dev.faucet.connect.webhook;

import static dev.faucet.connect.webhook.Fixtures.batch;
import static dev.faucet.connect.webhook.Fixtures.config;
import static dev.faucet.connect.webhook.Fixtures.failureOf;
import static dev.faucet.connect.webhook.Fixtures.open;
import static dev.faucet.connect.webhook.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.connect.webhook.Receiver.Answer;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed requests: which records the engine is told failed, and whether retrying them may help. */
class WebhookSinkFailuresTest extends ReceiverTest {

    @Test
    void shouldNameEachFailedRecordWithWhetherRetryingMayHelp() throws Exception {
        receiver.answer(r -> switch (r.body().replaceAll(".*\"do\": \"([^\"]+)\".*", "$1")) {
            case "busy" -> Answer.status(503).header("Retry-After", "2");
            case "refuse" -> Answer.status(400).body("no such customer " + "x".repeat(400));
            case "stall" -> Answer.never();
            default -> Answer.status(200);
        });
        List<String> todo = List.of("ok", "busy", "refuse", "stall", "busy", "ok");
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < todo.size(); i++) {
            records.add(record(i, "k" + i, "{\"n\": " + i + ", \"do\": \"" + todo.get(i) + "\"}"));
        }

        SinkException e;
        try (WebhookSink sink = open(config("{\"url\": \"" + receiver.url() + "\", \"timeout\": 500}"))) {
            e = failureOf(sink, batch(records));
        }

        assertThat(e.failed()).containsOnlyKeys(1, 2, 3, 4);
        assertThat(e.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        for (int busy : List.of(1, 4)) {
            SinkException f = e.failed().get(busy);
            assertThat(f.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
            assertThat(f.type()).isEqualTo("sink-http-503");
            assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(2));
            assertThat(f.getMessage()).isEqualTo("POST " + receiver.url() + " answered 503");
        }
        SinkException refused = e.failed().get(2);
        assertThat(refused.kind()).isEqualTo(SinkException.Kind.REJECTED);
        assertThat(refused.type()).isEqualTo("sink-rejected");
        assertThat(refused.getMessage()).startsWith("POST " + receiver.url() + " answered 400: no such customer xx")
                .endsWith("x...").hasSizeLessThan(400);
        SinkException stalled = e.failed().get(3);
        assertThat(stalled.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
        assertThat(stalled.type()).isEqualTo("sink-unavailable");
        assertThat(stalled.getMessage()).isEqualTo("POST " + receiver.url() + " did not answer within 500ms (the"
                + " sink's timeout)");
        List<String> values = records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        assertThat(receiver.bodies()).as("each record sent once: a sink does one attempt")
                .containsExactlyInAnyOrderElementsOf(values);
    }

    @Test
    void shouldGiveUpAnAnswerWhoseBodyNeverComes() throws Exception {
        receiver.answer(r -> Answer.headersOnly());

        SinkException e;
        try (WebhookSink sink = open(config("{\"url\": \"" + receiver.url() + "\", \"timeout\": 200,"
                + " \"batch\": 2}"))) {
            e = failureOf(sink, batch(List.of(record(0, "a", "{}"), record(1, "b", "{}"))));
        }

        assertThat(e.failed()).as("the whole batch").isEmpty();
        assertThat(e.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
        assertThat(e.type()).isEqualTo("sink-unavailable");
        assertThat(e.getMessage()).startsWith("POST " + receiver.url() + " did not answer within 200ms");
        assertThat(Thread.interrupted()).as("a batch is sent from the caller's thread, which the deadline interrupted:"
                + " its interrupt is cleared").isFalse();
    }

    @Test
    void shouldFindATargetThatDoesNotListenUnavailable() throws Exception {
        String url = receiver.url();
        receiver.close();

        SinkException e;
        try (WebhookSink sink = open(config("{\"url\": \"" + url + "\", \"timeout\": 2000}"))) {
            e = failureOf(sink, batch(List.of(record(0, "a", "{}"))));
        }

        SinkException f = e.failed().get(0);
        assertThat(f.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
        assertThat(f.type()).isEqualTo("sink-unavailable");
        assertThat(f.getMessage()).startsWith("POST " + url + " failed: java.net.ConnectException");
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrAsAnHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:27:30Z");

        assertThat(WebhookAnswers.retryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(WebhookAnswers.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(WebhookAnswers.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(WebhookAnswers.retryAfter("soon", now)).isNull();
        assertThat(WebhookAnswers.retryAfter(null, now)).isNull();
    }
}
