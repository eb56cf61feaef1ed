package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliPipelineCommandsTest {
    private static final String ROUTING = """
            name: orders-routing
            input: orders
            guarantee: at-least-once
            steps:
              - filter: ok
              - route:
                  - when: gold
                    to: gold-orders
                  - to: other-orders
            """;

    @TempDir
    Path dataDir;

    @TempDir
    Path files;

    private CliServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = CliServer.start(ServerConfig.of(dataDir));
        for (String topic : new String[] {"orders", "gold-orders", "other-orders"}) {
            assertThat(server.faucet("topic", "create", topic).exitCode()).isZero();
        }
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void shouldSayAGoodFileIsValidAndDeployNothing() throws IOException {
        String file = write("routing.yaml", ROUTING);

        Cli.Result validated = server.faucet("pipeline", "validate", file);

        assertThat(validated.exitCode()).as(validated.err()).isZero();
        assertThat(validated.out()).matches(java.util.regex.Pattern.quote(file)
                + ": valid \\(pipeline orders-routing, version [0-9a-f]{16}, not deployed yet\\)\n");
        assertThat(server.faucet("pipeline", "list").out()).startsWith("no pipelines yet");
    }

    @Test
    void shouldPrintEveryProblemOfABadFileWithFileAndLine() throws IOException {
        String file = write("bad.yaml", ROUTING.replace("guarantee:", "gaurantee:") + "colour: blue\n");

        Cli.Result validated = server.faucet("pipeline", "validate", file);

        assertThat(validated.exitCode()).isEqualTo(1);
        assertThat(validated.out()).isEmpty();
        assertThat(validated.err().lines().toList()).satisfiesExactly(
                unknown -> assertThat(unknown).startsWith(file + ":3: gaurantee: "),
                colour -> assertThat(colour).startsWith(file + ":10: colour: "),
                summary -> assertThat(summary).isEqualTo("faucet: " + file + " is not valid"));
    }

    @Test
    void shouldDeployAFileAndSayWhetherItWasCreatedUpdatedOrUnchanged() throws IOException {
        String file = write("routing.yaml", ROUTING);

        Cli.Result created = server.faucet("pipeline", "deploy", file);
        Cli.Result unchanged = server.faucet("pipeline", "deploy", file);
        write("routing.yaml", ROUTING.replace("filter: ok", "filter: gold"));
        Cli.Result updated = server.faucet("pipeline", "deploy", file);

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).matches("created orders-routing \\(version [0-9a-f]{16}\\)\n");
        assertThat(unchanged.out()).isEqualTo(created.out().replace("created", "unchanged"));
        assertThat(updated.out()).startsWith("updated orders-routing (version ").isNotEqualTo(
                created.out().replace("created", "updated"));
    }

    @Test
    void shouldDeployNoneOfSeveralFilesWhenOneIsBad() throws IOException {
        String good = write("a.yaml", ROUTING.replace("orders-routing", "alpha"));
        String bad = write("b.yaml", ROUTING.replace("input: orders", "input: returns"));

        Cli.Result deployed = server.faucet("pipeline", "deploy", good, bad);

        assertThat(deployed.exitCode()).isEqualTo(1);
        assertThat(deployed.out()).isEmpty();
        assertThat(deployed.err()).contains(bad + ":2: input: ", "'returns' does not exist")
                .contains("faucet: nothing was deployed: 1 of 2 files are not valid");
        assertThat(server.faucet("pipeline", "list").out()).startsWith("no pipelines yet");
    }

    @Test
    void shouldDeploySeveralFilesInOrder() throws IOException {
        String a = write("a.yaml", ROUTING.replace("orders-routing", "alpha"));
        String b = write("b.yaml", ROUTING.replace("orders-routing", "beta"));

        Cli.Result deployed = server.faucet("pipeline", "deploy", a, b);

        assertThat(deployed.exitCode()).isZero();
        assertThat(deployed.lines()).satisfiesExactly(l -> assertThat(l).startsWith("created alpha "),
                l -> assertThat(l).startsWith("created beta "));
    }

    @Test
    void shouldListPipelinesWithStateGuaranteeCountsAndLag() throws IOException {
        server.faucet("pipeline", "deploy", write("routing.yaml", ROUTING));
        server.faucetWithInput("{\"ok\":true,\"gold\":true}\n{\"ok\":false}\n", "produce", "orders");
        awaitStatus(s -> s.at("/records/out").asLong() == 1);

        Cli.Result list = server.faucet("pipeline", "list");

        assertThat(list.exitCode()).isZero();
        assertThat(list.lines()).hasSize(2);
        assertThat(list.lines().get(0)).matches("NAME +VERSION +STATE +GUARANTEE +IN +OUT +DEAD LETTERS +LAG");
        assertThat(list.lines().get(1)).matches("orders-routing +[0-9a-f]{16} +running +at-least-once +2 +1 +0 +0");
    }

    @Test
    void shouldShowAReadableStatusWithStepsPartitionsAndLatency() throws IOException {
        server.faucet("pipeline", "deploy", write("routing.yaml", ROUTING));
        server.faucetWithInput("{\"ok\":true,\"gold\":true}\n{\"ok\":false}\n{\"n\":1}\n", "produce", "orders");
        awaitStatus(s -> s.at("/records/deadLettered").asLong() == 1 && s.at("/records/out").asLong() == 1);

        Cli.Result status = server.faucet("pipeline", "status", "orders-routing");

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("pipeline:      orders-routing\n", "state:         running\n",
                "guarantee:     at-least-once\n", "inputs:        orders\n",
                "outputs:       gold-orders, other-orders\n",
                "dead letters:  orders-routing.dlq\n", "records:       3 in, 1 out, 1 dead-lettered\n",
                "lag:           0 records, 0.0 s\n")
                .containsPattern("(?m)^latency: +p50 [\\d.]+ ms, p99 [\\d.]+ ms, p99\\.9 [\\d.]+ ms, max [\\d.]+ ms$")
                .containsPattern("(?m)^STEP +IN +OUT +FAILED +RETRIES +DROPPED +MICROS/RECORD$")
                .containsPattern("(?m)^filter#1 +3 +1 +1 +0 +filtered 1 +[\\d.]+$")
                .containsPattern("(?m)^route#2 +1 +1 +0 +0 +- +[\\d.]+$")
                .containsPattern("(?m)^INPUT +PARTITION +COMMITTED +END +LAG +LAG TIME$")
                .containsPattern("(?m)^orders +0 +3 +3 +0 +0\\.0 s$");
    }

    @Test
    void shouldPrintTheStatusObjectWithJson() throws IOException {
        server.faucet("pipeline", "deploy", write("routing.yaml", ROUTING));

        Cli.Result status = server.faucet("pipeline", "status", "orders-routing", "--json");

        assertThat(status.exitCode()).isZero();
        JsonNode p = new ObjectMapper().readTree(status.out());
        assertThat(p.get("name").asText()).isEqualTo("orders-routing");
        assertThat(p.get("steps")).hasSize(2);
    }

    @Test
    void shouldPauseResumeAndDeleteAPipeline() throws IOException {
        server.faucet("pipeline", "deploy", write("routing.yaml", ROUTING));

        assertThat(server.faucet("pipeline", "pause", "orders-routing").out()).isEqualTo("paused pipeline"
                + " orders-routing\n");
        assertThat(server.faucet("pipeline", "status", "orders-routing").out()).contains("state:         paused\n");
        assertThat(server.faucet("pipeline", "resume", "orders-routing").out()).isEqualTo("resumed pipeline"
                + " orders-routing\n");
        assertThat(server.faucet("pipeline", "list").out()).contains(" running ");
        assertThat(server.faucet("pipeline", "delete", "orders-routing").out()).isEqualTo("deleted pipeline"
                + " orders-routing\n");
        assertThat(server.faucet("pipeline", "list").out()).startsWith("no pipelines yet");
    }

    @Test
    void shouldSayWhenAPipelineIsUnknown() {
        for (String command : new String[] {"status", "pause", "resume", "delete"}) {
            Cli.Result r = server.faucet("pipeline", command, "nope");

            assertThat(r.exitCode()).as(command).isEqualTo(1);
            assertThat(r.err()).as(command).startsWith("faucet: no pipeline named 'nope' is deployed");
        }
    }

    @Test
    void shouldSayWhenAFileCannotBeRead() {
        Cli.Result r = server.faucet("pipeline", "deploy", files.resolve("missing.yaml").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("faucet: cannot read " + files.resolve("missing.yaml") + ": no such file\n");
    }

    @Test
    void shouldSayWhenTheServerIsNotRunning() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        Cli.Result r = Cli.faucet("pipeline", "list", "--server", "http://127.0.0.1:" + port);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("faucet: cannot reach the Faucet server at http://127.0.0.1:" + port);
    }

    private String write(String name, String text) throws IOException {
        Path f = files.resolve(name);
        Files.writeString(f, text);
        return f.toString();
    }

    private void awaitStatus(java.util.function.Predicate<JsonNode> done) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Cli.Result r = server.faucet("pipeline", "status", "orders-routing", "--json");
            return r.exitCode() == 0 && done.test(new ObjectMapper().readTree(r.out()));
        });
    }
}
