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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackpressureTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private FaucetServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI start(Backlog backlog) throws IOException {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0).withBacklog(backlog));
        URI base = server.uri();
        send(base, "POST", "/v1/topics", "application/json", "{\"name\":\"orders\",\"partitions\":2}");
        return base;
    }

    private static HttpResponse<String> send(URI base, String method, String path, String type, String body)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        if (body != null) {
            b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static HttpResponse<String> publish(URI base, int records) throws IOException {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < records; i++) {
            ndjson.append("{\"n\":").append(i).append("}\n");
        }
        return send(base, "POST", "/v1/topics/orders/records", "application/x-ndjson", ndjson.toString());
    }

    /**
     * Reads {@code events} events of a group's subscription, stays connected long enough for the server to confirm
     * them (it commits what a later write proves the client still received), then disconnects.
     */
    private static void consume(URI base, String group, int events) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/topics/orders/subscribe?group=" + group
                + "&from=earliest")).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            int seen = 0;
            String line;
            while (seen < events && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    seen++;
                }
            }
            TimeUnit.MILLISECONDS.sleep(600);
        }
    }

    private static long endOffsets(URI base) throws IOException {
        JsonNode topic = new ObjectMapper().readTree(send(base, "GET", "/v1/topics/orders", null, null).body());
        long sum = 0;
        for (JsonNode p : topic.get("partitions")) {
            sum += p.get("endOffset").asLong();
        }
        return sum;
    }

    @Test
    void aTopicWithoutConsumerGroupsHasNoBacklog() throws IOException {
        URI base = start(new Backlog(10, 1 << 30, Backlog.Policy.REJECT, Duration.ZERO, Duration.ofSeconds(2)));
        for (int i = 0; i < 5; i++) {
            assertThat(publish(base, 10).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSlowGroupMakesIngestAnswer429WithRetryAfterUntilItCatchesUp() throws Exception {
        URI base = start(new Backlog(50, 1 << 30, Backlog.Policy.REJECT, Duration.ZERO, Duration.ofSeconds(2)));
        publish(base, 10);
        consume(base, "billing", 10);
        assertThat(publish(base, 60).statusCode()).isEqualTo(200);
        TimeUnit.MILLISECONDS.sleep(150);

        HttpResponse<String> refused = publish(base, 1);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("2");
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(refused.body()).contains("backlog-full", "orders", "backlog.maxRecords");
        assertThat(endOffsets(base)).isEqualTo(70);

        consume(base, "billing", 60);
        TimeUnit.MILLISECONDS.sleep(150);
        assertThat(publish(base, 1).statusCode()).isEqualTo(200);
        assertThat(send(base, "GET", "/metrics", null, null).body())
                .contains("faucet_ingest_refusals_total{reason=\"backlog\"} 1.0")
                .contains("faucet_topic_backlog_records{group=\"billing\",topic=\"orders\"}");
    }

    @Test
    void withTheWaitPolicyIngestWaitsForTheGroupToCatchUp() throws Exception {
        URI base = start(new Backlog(20, 1 << 30, Backlog.Policy.WAIT, Duration.ofSeconds(10),
                Duration.ofSeconds(1)));
        publish(base, 5);
        consume(base, "slow", 5);
        publish(base, 30);
        TimeUnit.MILLISECONDS.sleep(150);

        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return publish(base, 1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        TimeUnit.MILLISECONDS.sleep(500);
        assertThat(waiting).isNotDone();
        consume(base, "slow", 30);
        assertThat(waiting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void withTheWaitPolicyIngestAnswers429AfterTheWaitTimeout() throws Exception {
        URI base = start(new Backlog(20, 1 << 30, Backlog.Policy.WAIT, Duration.ofMillis(300),
                Duration.ofSeconds(1)));
        publish(base, 5);
        consume(base, "slow", 5);
        publish(base, 30);
        TimeUnit.MILLISECONDS.sleep(150);

        HttpResponse<String> refused = publish(base, 1);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    }

    @Test
    void belowTheFreeDiskFloorIngestAnswers503WithRetryAfter() throws Exception {
        Limits d = Limits.DEFAULTS;
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0).withLimits(new Limits(d.maxBodyBytes(),
                d.maxRecordBytes(), d.maxHeaderBytes(), d.idleTimeout(), d.maxConnections(), d.maxJsonDepth(),
                d.maxInFlightBytes(), Long.MAX_VALUE, d.minDataRate())));
        URI base = server.uri();
        send(base, "POST", "/v1/topics", "application/json", "{\"name\":\"orders\"}");

        HttpResponse<String> refused = publish(base, 1);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("disk-full", "limits.minFreeDisk");
        assertThat(endOffsets(base)).isZero();
    }
}
