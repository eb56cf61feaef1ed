package dev.faucet.server;

import static dev.faucet.server.Api.NDJSON;
import static dev.faucet.server.PipelineRoutesTest.ROUTING;
import static dev.faucet.server.PipelineRoutesTest.YAML;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployed pipeline at work behind the HTTP API: records published to its input are routed to its outputs and
 * dead letters, and its status, readiness and metrics say so.
 */
class PipelineProcessingTest {
    private static final String GOLD = "{\"id\":1,\"ok\":true,\"gold\":true}";
    private static final String OTHER = "{\"id\":2,\"ok\":true,\"gold\":false}";
    private static final String FILTERED = "{\"id\":3,\"ok\":false}";
    private static final String POISON = "{\"id\":4}";

    @TempDir
    Path dataDir;

    private FaucetServer server;
    private Api api;

    @BeforeEach
    void start() throws IOException {
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0));
        api = new Api(server.uri());
        api.createTopic("orders", 1);
        api.createTopic("gold-orders", 1);
        api.createTopic("other-orders", 1);
        assertThat(api.post("/v1/pipelines", YAML, ROUTING).status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        api.close();
        server.close();
    }

    @Test
    void shouldRouteRecordsToTheOutputTopicsWithLineageHeaders() {
        api.publish("orders", NDJSON, String.join("\n", GOLD, OTHER, FILTERED));

        List<JsonNode> gold = awaitRecords("gold-orders", 1);
        List<JsonNode> other = awaitRecords("other-orders", 1);

        assertThat(gold.get(0).get("value")).isEqualTo(json(GOLD));
        assertThat(other.get(0).get("value")).isEqualTo(json(OTHER));
        JsonNode headers = gold.get(0).get("headers");
        assertThat(headers.toString()).contains("orders-routing", "orders");
    }

    @Test
    void shouldSendARecordAStepFailsOnToTheDeadLetterTopicInTheDocumentedFormat() {
        api.publish("orders", NDJSON, String.join("\n", GOLD, POISON));

        JsonNode dead = awaitRecords("orders-routing.dlq", 1).get(0).get("value");

        assertThat(dead.get("record")).isEqualTo(json(POISON));
        assertThat(dead.get("key").isNull()).isTrue();
        assertThat(dead.get("headers").isObject()).isTrue();
        assertThat(Instant.parse(dead.get("timestamp").asText())).isNotNull();
        assertThat(dead.get("source").get("topic").asText()).isEqualTo("orders");
        assertThat(dead.get("source").get("partition").asInt()).isZero();
        assertThat(dead.get("source").get("offset").asLong()).isEqualTo(1);
        assertThat(dead.get("pipeline").asText()).isEqualTo("orders-routing");
        assertThat(dead.get("step").asText()).isEqualTo("filter#1");
        assertThat(dead.get("error").get("type").asText()).isNotBlank();
        assertThat(dead.get("error").get("message").asText()).isNotBlank();
        assertThat(dead.get("attempts").asInt()).isPositive();
        assertThat(Instant.parse(dead.get("at").asText())).isNotNull();
        assertThat(awaitRecords("gold-orders", 1)).hasSize(1);
    }

    @Test
    void shouldCountRecordsPerStepAndPartitionInTheStatus() {
        api.publish("orders", NDJSON, String.join("\n", GOLD, OTHER, FILTERED, POISON));

        JsonNode p = awaitStatus(s -> s.at("/partitions/0/lag").asLong() == 0 && s.at("/records/out").asLong() == 2
                && s.at("/records/deadLettered").asLong() == 1);

        assertThat(p.at("/records/in").asLong()).isEqualTo(4);
        JsonNode filter = p.get("steps").get(0);
        assertThat(filter.get("id").asText()).isEqualTo("filter#1");
        assertThat(filter.get("kind").asText()).isEqualTo("filter");
        assertThat(filter.get("in").asLong()).isEqualTo(4);
        assertThat(filter.get("out").asLong()).isEqualTo(2);
        assertThat(filter.get("failed").asLong()).isEqualTo(1);
        assertThat(filter.get("retries").asLong()).isZero();
        assertThat(filter.at("/dropped/filtered").asLong()).isEqualTo(1);
        assertThat(filter.get("processingMicros").isNumber()).isTrue();
        JsonNode route = p.get("steps").get(1);
        assertThat(route.get("in").asLong()).isEqualTo(2);
        assertThat(route.get("out").asLong()).isEqualTo(2);
        JsonNode partition = p.get("partitions").get(0);
        assertThat(partition.get("topic").asText()).isEqualTo("orders");
        assertThat(partition.get("partition").asInt()).isZero();
        assertThat(partition.get("committed").asLong()).isEqualTo(4);
        assertThat(partition.get("end").asLong()).isEqualTo(4);
        assertThat(partition.get("lagSeconds").asDouble()).isZero();
        assertThat(p.at("/lag/records").asLong()).isZero();
        assertThat(p.at("/latency/count").asLong()).isPositive();
        assertThat(p.at("/latency/max").asDouble()).isGreaterThanOrEqualTo(p.at("/latency/p50").asDouble());
        assertThat(p.get("ready").asBoolean()).isTrue();
    }

    @Test
    void shouldHoldRecordsWhilePausedAndProcessThemOnResume() {
        api.post("/v1/pipelines/orders-routing/pause", null, "");

        api.publish("orders", NDJSON, GOLD);

        JsonNode paused = awaitStatus(s -> s.at("/partitions/0/end").asLong() == 1);
        assertThat(paused.at("/partitions/0/lag").asLong()).isEqualTo(1);
        assertThat(paused.at("/lag/records").asLong()).isEqualTo(1);
        assertThat(api.records("gold-orders", 0)).isEmpty();
        api.post("/v1/pipelines/orders-routing/resume", null, "");
        assertThat(awaitRecords("gold-orders", 1)).hasSize(1);
    }

    @Test
    void shouldStayReadyWithAPausedPipelineAndListIt() {
        assertThat(api.get("/health/ready").json().has("pipelines")).isFalse();

        api.post("/v1/pipelines/orders-routing/pause", null, "");
        Api.Answer ready = api.get("/health/ready");

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
        assertThat(ready.json().get("pipelines").toString())
                .isEqualTo("[{\"name\":\"orders-routing\",\"state\":\"paused\",\"ready\":true}]");
    }

    @Test
    void shouldStayReadyWithAFailedPipelineAndListIt() {
        api.post("/v1/pipelines", YAML, ROUTING.replace("orders-routing", "strict")
                + "errors: { onFailure: fail }\n");

        api.publish("orders", NDJSON, POISON);

        JsonNode failed = awaitStatus("strict", s -> s.get("state").asText().equals("failed"));
        assertThat(failed.get("failure").asText()).isNotBlank();
        Api.Answer ready = api.get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("pipelines")).extracting(n -> n.get("name").asText() + " "
                + n.get("state").asText()).containsExactly("strict failed");
    }

    @Test
    void shouldExposeThePipelineMetricsAtMetrics() {
        api.publish("orders", NDJSON, String.join("\n", GOLD, OTHER));
        awaitStatus(s -> s.at("/records/out").asLong() == 2);

        String metrics = api.get("/metrics").body();

        assertThat(metrics)
                .containsPattern("(?m)^faucet_pipeline_records_in_total\\{pipeline=\"orders-routing\"} 2\\.0$")
                .containsPattern("(?m)^faucet_pipeline_records_out_total\\{pipeline=\"orders-routing\"} 2\\.0$")
                .containsPattern("(?m)^faucet_pipeline_latency_seconds_bucket\\{.*pipeline=\"orders-routing\".*} ")
                .contains("faucet_pipeline_step_records_in_total{pipeline=\"orders-routing\",step=\"filter#1\"}")
                .containsPattern("(?m)^faucet_pipeline_lag_records\\{partition=\"0\",pipeline=\"orders-routing\","
                        + "topic=\"orders\"} 0\\.0$")
                .contains("faucet_pipeline_lag_seconds{partition=\"0\",pipeline=\"orders-routing\",topic=\"orders\"}");
    }

    @Test
    void shouldRemoveADeletedPipelinesMetrics() {
        api.send("DELETE", "/v1/pipelines/orders-routing", null, null);

        assertThat(api.get("/metrics").body()).doesNotContain("pipeline=\"orders-routing\"");
    }

    private JsonNode awaitStatus(Predicate<JsonNode> done) {
        return awaitStatus("orders-routing", done);
    }

    private JsonNode awaitStatus(String name, Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = api.get("/v1/pipelines/" + name).json();
            return done.test(last[0]);
        });
        return last[0];
    }

    private List<JsonNode> awaitRecords(String topic, int count) {
        List<JsonNode> records = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            records.clear();
            records.addAll(api.records(topic, 0));
            return records.size() >= count;
        });
        return records;
    }

    private static JsonNode json(String text) {
        try {
            return Api.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
