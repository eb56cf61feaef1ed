package dev.faucet.server;

import static dev.faucet.server.PipelineRoutesTest.ROUTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faucet.engine.InvalidPipelineException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code faucet server --pipelines DIR}: the pipeline files of DIR are deployed at start, all or none. */
class PipelineDirectoryTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path pipelines;

    private FaucetServer server;

    @BeforeEach
    void createTheTopics() throws IOException {
        try (FaucetServer s = FaucetServer.start(ServerConfig.of(dataDir).withPort(0)); Api api = new Api(s.uri())) {
            api.createTopic("orders", 1);
            api.createTopic("gold-orders", 1);
            api.createTopic("other-orders", 1);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldDeployEveryYamlFileOfTheDirectoryAtStart() throws IOException {
        Files.writeString(pipelines.resolve("b.yml"), ROUTING.replace("orders-routing", "beta"));
        Files.writeString(pipelines.resolve("a.yaml"), ROUTING.replace("orders-routing", "alpha"));
        Files.writeString(pipelines.resolve("notes.txt"), "not a pipeline");

        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0).withPipelines(pipelines));

        try (Api api = new Api(server.uri())) {
            JsonNode list = api.get("/v1/pipelines").json().get("pipelines");
            assertThat(list).extracting(p -> p.get("name").asText() + " " + p.get("state").asText())
                    .containsExactly("alpha running", "beta running");
            assertThat(api.get("/v1/pipelines/alpha/definition").body())
                    .isEqualTo(ROUTING.replace("orders-routing", "alpha"));
        }
    }

    @Test
    void shouldLeaveAPipelineAsItRunsWhenItsFileIsUnchangedAndUpdateItWhenItChanged() throws IOException {
        Files.writeString(pipelines.resolve("p.yaml"), ROUTING);
        JsonNode first = startAndGet("orders-routing");
        server.close();

        JsonNode again = startAndGet("orders-routing");
        server.close();
        Files.writeString(pipelines.resolve("p.yaml"), ROUTING.replace("filter: ok", "filter: gold"));
        JsonNode updated = startAndGet("orders-routing");

        assertThat(again.get("version")).isEqualTo(first.get("version"));
        assertThat(again.get("deployedAt")).isEqualTo(first.get("deployedAt"));
        assertThat(updated.get("version")).isNotEqualTo(first.get("version"));
    }

    @Test
    void shouldRefuseToStartAndDeployNoneWhenAFileIsBad() throws IOException {
        Files.writeString(pipelines.resolve("a.yaml"), ROUTING.replace("orders-routing", "good"));
        Files.writeString(pipelines.resolve("b.yaml"), ROUTING.replace("guarantee:", "gaurantee:"));
        Files.writeString(pipelines.resolve("c.yaml"), ROUTING.replace("orders-routing", "c")
                .replace("input: orders", "input: returns"));

        assertThatThrownBy(() -> FaucetServer.start(ServerConfig.of(dataDir).withPort(0).withPipelines(pipelines)))
                .isInstanceOfSatisfying(InvalidPipelineException.class, e -> assertThat(e.problems())
                        .extracting(Object::toString).satisfiesExactly(
                                b -> assertThat(b).contains("b.yaml:3: gaurantee: "),
                                c -> assertThat(c).contains("c.yaml:2: input: ", "'returns' does not exist")));

        assertThat(dataDir.resolve(FaucetServer.PORT_FILE)).doesNotExist();
        assertThat(deployedAfterAPlainStart()).isEmpty();
    }

    @Test
    void shouldRefuseTwoFilesThatDefineOnePipeline() throws IOException {
        Files.writeString(pipelines.resolve("a.yaml"), ROUTING);
        Files.writeString(pipelines.resolve("b.yaml"), ROUTING.replace("filter: ok", "filter: gold"));

        assertThatThrownBy(() -> FaucetServer.start(ServerConfig.of(dataDir).withPort(0).withPipelines(pipelines)))
                .isInstanceOf(InvalidPipelineException.class).hasMessageContaining("b.yaml:1: name: ")
                .hasMessageContaining("also defined in a.yaml");
        assertThat(deployedAfterAPlainStart()).isEmpty();
    }

    @Test
    void shouldPrintEveryProblemWithFileAndLineWhenTheServerCommandCannotStart() throws IOException {
        Files.writeString(pipelines.resolve("b.yaml"), ROUTING.replace("guarantee:", "gaurantee:"));
        StringWriter err = new StringWriter();

        int exit = faucet(err, "server", "--data", dataDir.toString(), "--port", "0", "--pipelines",
                pipelines.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines().toList()).satisfiesExactly(
                first -> assertThat(first).startsWith("faucet: cannot start the server: the pipelines in ")
                        .endsWith("have 1 problem; none was deployed"),
                problem -> assertThat(problem).startsWith("faucet: ").contains("b.yaml:3: gaurantee: "));
    }

    @Test
    void shouldRefuseAPipelinesDirectoryThatDoesNotExist() {
        StringWriter err = new StringWriter();

        int exit = faucet(err, "server", "--data", dataDir.toString(), "--port", "0", "--pipelines",
                pipelines.resolve("missing").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("faucet: --pipelines: ").contains("is not a directory");
    }

    private JsonNode startAndGet(String name) throws IOException {
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0).withPipelines(pipelines));
        try (Api api = new Api(server.uri())) {
            return api.get("/v1/pipelines/" + name).json();
        }
    }

    private List<JsonNode> deployedAfterAPlainStart() throws IOException {
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0));
        try (Api api = new Api(server.uri())) {
            List<JsonNode> list = new java.util.ArrayList<>();
            api.get("/v1/pipelines").json().get("pipelines").forEach(list::add);
            return list;
        }
    }

    private static int faucet(StringWriter err, String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
