package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a subscriber relies on: one event per record, whole JSON, and a position that survives reconnects. */
class SubscriptionDeliveryTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private FaucetServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0));
        base = server.uri();
        post("/v1/topics", "application/json", "{\"name\":\"orders\",\"partitions\":3}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void post(String path, String type, String body) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    }

    /** The data of {@code n} events, then stays connected for {@code lingerMs} before leaving. */
    private List<JsonNode> events(String group, int n, long lingerMs) throws Exception {
        HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(base.resolve("/v1/topics/orders/subscribe"
                + "?from=earliest&group=" + group)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String id = null;
            for (String line = in.readLine(); line != null && out.size() < n; line = in.readLine()) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    JsonNode event = JSON.readTree(line.substring(6));
                    assertThat(id).isEqualTo(event.get("partition").asInt() + ":" + event.get("offset").asLong());
                    out.add(event);
                }
            }
            TimeUnit.MILLISECONDS.sleep(lingerMs);
        }
        return out;
    }

    @Test
    void aValueSentOverSeveralLinesArrivesAsOneEventOfWholeJson() throws Exception {
        post("/v1/topics/orders/records", "application/json", "{\n  \"id\": 1,\n  \"items\": [\n    \"a\"\n  ]\n}");

        JsonNode event = events("g", 1, 0).get(0);
        assertThat(event.get("value")).isEqualTo(JSON.readTree("{\"id\":1,\"items\":[\"a\"]}"));
    }

    @Test
    void aGroupResumesAfterWhatItWasDeliveredAndStayedConnectedFor() throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            ndjson.append("{\"n\":").append(i).append("}\n");
        }
        post("/v1/topics/orders/records?key=n", "application/x-ndjson", ndjson.toString());

        List<JsonNode> first = events("billing", 30, 600);
        post("/v1/topics/orders/records", "application/json", "{\"n\":30}");
        List<JsonNode> second = events("billing", 1, 0);

        assertThat(first).extracting(e -> e.get("value").get("n").asInt()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 30).boxed().toList());
        assertThat(second).extracting(e -> e.get("value").get("n").asInt()).containsExactly(30);
    }

    @Test
    void eventsALeavingClientMayNotHaveReadAreDeliveredAgain() throws Exception {
        post("/v1/topics/orders/records", "application/json", "[1,2,3]");
        List<JsonNode> first = events("audit", 3, 0);
        List<JsonNode> again = events("audit", 3, 0);

        assertThat(again).extracting(e -> e.get("offset").asLong())
                .containsExactlyElementsOf(first.stream().map(e -> e.get("offset").asLong()).toList());
    }

    @Test
    void aNewGroupStartsAtTheEndUnlessItAsksForTheBeginning() throws IOException, InterruptedException {
        HttpResponse<String> bad = CLIENT.send(HttpRequest.newBuilder(base.resolve(
                "/v1/topics/orders/subscribe?group=g&from=yesterday")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> noGroup = CLIENT.send(HttpRequest.newBuilder(base.resolve(
                "/v1/topics/orders/subscribe")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noGroup.statusCode()).isEqualTo(400);
        assertThat(noGroup.body()).contains("?group=");
    }
}
