package dev.faucet.server;

import static dev.faucet.server.Api.JSON_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /v1/pipelines} through real HTTP on loopback: deploy, update, dry run, refusals, and the lifecycle calls. */
class PipelineRoutesTest {
    static final String YAML = "application/yaml";
    static final String ROUTING = """
            name: orders-routing
            input: orders
            guarantee: exactly-once
            steps:
              - filter: ok
              - route:
                  - when: gold
                    to: gold-orders
                  - to: other-orders
            """;

    @TempDir
    Path dataDir;

    private FaucetServer server;
    private Api api;

    @BeforeEach
    void start() throws IOException {
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0));
        api = new Api(server.uri());
        api.createTopic("orders", 2);
        api.createTopic("gold-orders", 1);
        api.createTopic("other-orders", 1);
    }

    @AfterEach
    void stop() {
        api.close();
        server.close();
    }

    @Test
    void shouldDeployANewPipelineWith201ItsStatusAndALocation() {
        Api.Answer a = api.post("/v1/pipelines", YAML, ROUTING);

        assertThat(a.status()).as(a.body()).isEqualTo(201);
        assertThat(a.header("Location")).hasValue("/v1/pipelines/orders-routing");
        JsonNode p = a.json();
        assertThat(p.get("change").asText()).isEqualTo("created");
        assertThat(p.get("name").asText()).isEqualTo("orders-routing");
        assertThat(p.get("version").asText()).matches("[0-9a-f]{16}");
        assertThat(p.get("guarantee").asText()).isEqualTo("exactly-once");
        assertThat(p.get("state").asText()).isEqualTo("running");
        assertThat(p.get("failure").isNull()).isTrue();
        assertThat(p.get("deployedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(texts(p.get("inputs"))).containsExactly("orders");
        assertThat(texts(p.get("outputs"))).containsExactly("gold-orders", "other-orders");
        assertThat(p.get("deadLetterTopic").asText()).isEqualTo("orders-routing.dlq");
        assertThat(p.get("steps")).extracting(s -> s.get("id").asText()).containsExactly("filter#1", "route#2");
        assertThat(p.get("partitions")).hasSize(2);
        JsonNode got = api.get("/v1/pipelines/orders-routing").json();
        assertThat(got.get("version")).isEqualTo(p.get("version"));
        assertThat(got.get("deployedAt")).isEqualTo(p.get("deployedAt"));
    }

    @Test
    void shouldShowAPipelinesSinksAndTheRunningSources() {
        Api.Answer r = api.post("/v1/pipelines", YAML, """
                name: to-hook
                input: orders
                steps:
                  - sink:
                      name: billing
                      webhook: { url: "http://127.0.0.1:9/hook", timeout: 1s }
                """);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode sink = api.get("/v1/pipelines/to-hook").json().get("sinks").get(0);
        assertThat(sink.get("name").asText()).isEqualTo("billing");
        assertThat(sink.get("type").asText()).isEqualTo("webhook");
        assertThat(sink.get("partitions")).hasSize(2);
        assertThat(sink.get("partitions").get(0).get("queued").asLong()).isZero();
        assertThat(api.get("/v1/sources").json().get("sources")).isEmpty();
    }

    @Test
    void shouldCreateTheDeadLetterTopicOnDeploy() {
        api.post("/v1/pipelines", YAML, ROUTING);

        assertThat(api.get("/v1/topics/orders-routing.dlq").status()).isEqualTo(200);
    }

    @Test
    void shouldAnswer200UnchangedWhenTheSameFileIsDeployedAgain() {
        JsonNode first = api.post("/v1/pipelines", YAML, ROUTING).json();

        Api.Answer again = api.post("/v1/pipelines", YAML, ROUTING);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Location")).isEmpty();
        assertThat(again.json().get("change").asText()).isEqualTo("unchanged");
        assertThat(again.json().get("version")).isEqualTo(first.get("version"));
        assertThat(again.json().get("deployedAt")).isEqualTo(first.get("deployedAt"));
    }

    @Test
    void shouldAnswer200UpdatedWithANewVersionWhenTheFileChanges() {
        JsonNode first = api.post("/v1/pipelines", YAML, ROUTING).json();

        Api.Answer updated = api.post("/v1/pipelines", YAML, ROUTING.replace("when: gold", "when: ok"));

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("change").asText()).isEqualTo("updated");
        assertThat(updated.json().get("version")).isNotEqualTo(first.get("version"));
        assertThat(api.get("/v1/pipelines/orders-routing").json().get("version"))
                .isEqualTo(updated.json().get("version"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/yaml", "application/x-yaml", "text/yaml", "application/yaml; charset=utf-8",
        "Application/YAML"})
    void shouldTakeEachYamlMediaType(String contentType) {
        assertThat(api.post("/v1/pipelines", contentType, ROUTING).status()).isEqualTo(201);
    }

    @Test
    void shouldOnlyValidateOnADryRun() {
        Api.Answer a = api.post("/v1/pipelines?dryRun=true", YAML, ROUTING);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("valid").asBoolean()).isTrue();
        assertThat(a.json().get("name").asText()).isEqualTo("orders-routing");
        assertThat(a.json().get("version").asText()).matches("[0-9a-f]{16}");
        assertThat(a.json().get("change").asText()).isEqualTo("created");
        assertThat(api.get("/v1/pipelines").json().get("pipelines")).isEmpty();
        api.get("/v1/pipelines/orders-routing").problem(404);
        assertThat(api.get("/v1/topics/orders-routing.dlq").status()).isEqualTo(404);
    }

    @Test
    void shouldSayOnADryRunWhetherTheFileIsDeployedAlready() {
        api.post("/v1/pipelines", YAML, ROUTING);

        assertThat(api.post("/v1/pipelines?dryRun=true", YAML, ROUTING).json().get("change").asText())
                .isEqualTo("unchanged");
        assertThat(api.post("/v1/pipelines?dryRun=true", YAML, ROUTING.replace("filter: ok", "filter: gold"))
                .json().get("change").asText()).isEqualTo("updated");
    }

    @Test
    void shouldRefuseAnUnknownKeyWith422NamingItsLineAndPointer() {
        String bad = ROUTING.replace("guarantee: exactly-once", "gaurantee: exactly-once");

        JsonNode problem = api.post("/v1/pipelines", YAML, bad).problem(422, "gaurantee", "nothing was deployed");

        assertThat(problem.get("type").asText()).isEqualTo("https://faucet.dev/problems/invalid-pipeline");
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("line").asInt()).isEqualTo(3);
        assertThat(error.get("pointer").asText()).isEqualTo("/gaurantee");
        assertThat(error.get("field").asText()).isEqualTo("gaurantee");
        assertThat(error.get("message").asText()).contains("gaurantee");
        assertThat(api.get("/v1/pipelines").json().get("pipelines")).isEmpty();
    }

    @Test
    void shouldRefuseAPipelineNamingMissingTopicsWith422ListingEach() {
        String bad = ROUTING.replace("input: orders", "input: returns").replace("to: other-orders", "to: nowhere");

        JsonNode problem = api.post("/v1/pipelines", YAML, bad).problem(422, "2 problems", "returns");

        List<String> pointers = new ArrayList<>();
        problem.get("errors").forEach(e -> pointers.add(e.get("line").asInt() + " " + e.get("pointer").asText()));
        assertThat(pointers).containsExactly("2 /input", "9 /steps/1/route/1/to");
        assertThat(problem.at("/errors/1/message").asText()).contains("'nowhere' does not exist");
        assertThat(api.get("/v1/pipelines").json().get("pipelines")).isEmpty();
        api.post("/v1/pipelines?dryRun=true", YAML, bad).problem(422, "returns");
    }

    @Test
    void shouldRefuseAnyContentTypeButYamlWith415() {
        api.post("/v1/pipelines", JSON_TYPE, ROUTING).problem(415, "application/yaml");
        api.send("POST", "/v1/pipelines", null, ROUTING.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .problem(415, "no content-type");
        api.post("/v1/pipelines", "application/yaml; charset=latin1", ROUTING).problem(415, "charset");

        assertThat(api.get("/v1/pipelines").json().get("pipelines")).isEmpty();
    }

    @Test
    void shouldRefuseAFileOverLimitsMaxRecordWith413() {
        String huge = ROUTING + "# " + "x".repeat(Limits.DEFAULTS.maxRecordBytes()) + "\n";

        api.post("/v1/pipelines", YAML, huge).problem(413, "limits.maxRecord");

        assertThat(api.get("/v1/pipelines").json().get("pipelines")).isEmpty();
    }

    @Test
    void shouldRefuseAFileThatIsNotUtf8With400() {
        byte[] latin1 = ROUTING.replace("orders-routing", "orders-r\u00e9gion")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        api.send("POST", "/v1/pipelines", YAML, latin1).problem(400, "utf-8");
    }

    @Test
    void shouldRefuseADryRunThatIsNeitherTrueNorFalse() {
        api.post("/v1/pipelines?dryRun=yes", YAML, ROUTING).problem(400, "dryRun");
    }

    @Test
    void shouldAnswer404UnknownPipelineForEveryCallOnOne() {
        for (Api.Answer a : List.of(api.get("/v1/pipelines/nope"), api.get("/v1/pipelines/nope/definition"),
                api.send("DELETE", "/v1/pipelines/nope", null, null), api.post("/v1/pipelines/nope/pause", null, ""),
                api.post("/v1/pipelines/nope/resume", null, ""))) {
            JsonNode p = a.problem(404, "nope");
            assertThat(p.get("type").asText()).isEqualTo("https://faucet.dev/problems/unknown-pipeline");
        }
    }

    @Test
    void shouldListThePipelinesByName() {
        api.post("/v1/pipelines", YAML, ROUTING.replace("orders-routing", "zeta"));
        api.post("/v1/pipelines", YAML, ROUTING.replace("orders-routing", "alpha"));

        JsonNode list = api.get("/v1/pipelines").json().get("pipelines");

        assertThat(list).extracting(p -> p.get("name").asText()).containsExactly("alpha", "zeta");
        assertThat(list.get(0).get("steps")).hasSize(2);
    }

    @Test
    void shouldServeTheDefinitionAsItWasDeployed() {
        String version = api.post("/v1/pipelines", YAML, ROUTING).json().get("version").asText();

        Api.Answer a = api.get("/v1/pipelines/orders-routing/definition");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        assertThat(a.header("ETag")).hasValue("\"" + version + "\"");
        assertThat(a.body()).isEqualTo(ROUTING);
    }

    @Test
    void shouldPauseAndResumeAnsweringTheStatus() {
        api.post("/v1/pipelines", YAML, ROUTING);

        Api.Answer paused = api.post("/v1/pipelines/orders-routing/pause", null, "");
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().get("state").asText()).isEqualTo("paused");
        assertThat(api.get("/v1/pipelines/orders-routing").json().get("state").asText()).isEqualTo("paused");

        Api.Answer resumed = api.post("/v1/pipelines/orders-routing/resume", null, "");
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.json().get("state").asText()).isEqualTo("running");
    }

    @Test
    void shouldDeleteWith204AndKeepTheTopics() {
        api.post("/v1/pipelines", YAML, ROUTING);

        Api.Answer deleted = api.send("DELETE", "/v1/pipelines/orders-routing", null, null);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        api.get("/v1/pipelines/orders-routing").problem(404);
        assertThat(api.get("/v1/pipelines").json().get("pipelines")).isEmpty();
        assertThat(api.get("/v1/topics/gold-orders").status()).isEqualTo(200);
        assertThat(api.get("/v1/topics/orders-routing.dlq").status()).isEqualTo(200);
        assertThat(api.send("DELETE", "/v1/pipelines/orders-routing", null, null).status()).isEqualTo(404);
    }

    @Test
    void shouldKeepDeployedPipelinesAcrossARestart() throws IOException {
        JsonNode deployed = api.post("/v1/pipelines", YAML, ROUTING).json();
        api.post("/v1/pipelines/orders-routing/pause", null, "");
        restart();

        JsonNode p = api.get("/v1/pipelines/orders-routing").json();

        assertThat(p.get("version")).isEqualTo(deployed.get("version"));
        assertThat(p.get("state").asText()).isEqualTo("paused");
        assertThat(api.post("/v1/pipelines", YAML, ROUTING).json().get("change").asText()).isEqualTo("unchanged");
    }

    @Test
    void shouldListThePipelineMethodsAndRefuseOthersWith405() {
        Api.Answer options = api.send("OPTIONS", "/v1/pipelines/orders-routing", null, null);
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("Allow")).hasValue("GET, HEAD, DELETE, OPTIONS");

        Api.Answer put = api.send("PUT", "/v1/pipelines", YAML, ROUTING.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        put.problem(405);
        assertThat(api.send("GET", "/v1/pipelines/orders-routing/pause", null, null).status()).isEqualTo(405);
    }

    @Test
    void shouldAnswerHeadOfAPipelineAsGetWithoutABody() {
        api.post("/v1/pipelines", YAML, ROUTING);

        assertThat(api.send("HEAD", "/v1/pipelines/orders-routing", null, null).status()).isEqualTo(200);
        assertThat(api.send("HEAD", "/v1/pipelines/nope", null, null).status()).isEqualTo(404);
    }

    private void restart() throws IOException {
        api.close();
        server.close();
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0));
        api = new Api(server.uri());
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
