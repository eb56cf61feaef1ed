package dev.faucet.engine;

import static dev.faucet.engine.PipelineYamlErrorsTest.assertProblem;
import static dev.faucet.engine.PipelineYamlErrorsTest.problem;
import static dev.faucet.engine.PipelineYamlErrorsTest.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sink} step in pipeline files: its settings as the sink gets them, and the mistakes refused at parse. */
class SinkStepYamlTest {
    @TempDir
    Path dir;

    @Test
    void aWebhookSinkGetsItsSettingsWithDefaultsAndDurationsInMilliseconds() {
        Pipeline p = PipelineYaml.parse("""
                name: p
                input: i
                steps:
                  - sink:
                      name: billing
                      webhook: { url: "https://billing.example/hooks", timeout: 2s, secret: "${HOOK_SECRET}" }
                      breaker: { failures: 3 }
                """, "p.yaml", null);
        Step.Deliver d = (Step.Deliver) p.steps().get(0);
        assertThat(d.type()).isEqualTo("webhook");
        assertThat(Pipeline.sinkName(0, d)).isEqualTo("billing");
        ConnectorConfig c = d.config();
        assertThat(c.raw("url")).isEqualTo("https://billing.example/hooks");
        assertThat(c.duration("timeout", null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.number("concurrency", -1)).isEqualTo(8);
        assertThat(c.number("batch", -1)).isEqualTo(1);
        assertThat(c.flag("ordered", true)).isFalse();
        assertThat(c.raw("secret")).isEqualTo("${HOOK_SECRET}");
        assertThat(d.settings().at("/breaker/failures").asInt()).isEqualTo(3);
        assertThat(d.settings().at("/breaker/pause").asLong()).isEqualTo(30_000);
        assertThat(c.toString()).doesNotContain("HOOK_SECRET").doesNotContain("billing.example");
    }

    @Test
    void environmentVariablesAreTakenWhenTheSinkAsksAndAMissingOneIsNamed() {
        ConnectorConfig c = new ConnectorConfig("webhook", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("secret", "s-${A}-${B}"), name -> name.equals("A") ? "x" : null);
        assertThat(c.missingVariables("secret")).containsExactly("B");
        assertThatThrownBy(() -> c.text("secret")).hasMessageContaining("environment variable B");
    }

    @Test
    void aSinkNamesExactlyOneType() {
        assertProblem(step("sink: { name: s }"), 4, "steps[0].sink", "a sink needs its type: one of postgres,"
                + " webhook, kafka");
        assertProblem(step("sink: { webhook: { url: \"https://x\" }, postgres: { url: u, table: t } }"), 4,
                "steps[0].sink.webhook", "a sink step has one type");
    }

    @Test
    void settingsAreCheckedWithLinesAndSuggestions() {
        assertProblem(step("sink: { webhook: { url: \"https://x\", concurrncy: 4 } }"), 4,
                "steps[0].sink.webhook.concurrncy", "did you mean 'concurrency'?");
        assertProblem(step("sink: { webhook: { url: \"https://x\", batch: 0 } }"), 4, "steps[0].sink.webhook.batch",
                "must be 1 or more");
        assertProblem(step("sink: { webhook: { url: \"https://x\", ordered: maybe } }"), 4,
                "steps[0].sink.webhook.ordered", "expected true or false");
        assertProblem(step("sink: { postgres: { url: \"jdbc:postgresql://h/db\", table: t, mode: upsert } }"), 4,
                "steps[0].sink.postgres.mode", "mode upsert needs 'key'");
    }

    @Test
    void aPipelineMayEndWithASinkAndTwoSinksMayNotShareAName() {
        assertThat(PipelineYaml.parse("name: p\ninput: i\nsteps:\n  - sink: { webhook: { url: \"https://x\" } }\n",
                "p.yaml", null).steps()).hasSize(1);
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - sink: { name: a, webhook: { url: \"https://x\" } }\n"
                + "  - sink: { name: a, webhook: { url: \"https://y\" } }\n"), 5, "steps[1].sink.name",
                "also named 'a'");
    }

    @Test
    void deployingASinkWhoseTypeIsNotInstalledSaysWhich() throws Exception {
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(dir)) {
            rt.createTopic(dev.faucet.log.TopicConfig.of("i", 1));
            Pipeline p = PipelineYaml.parse("name: p\ninput: i\nsteps:\n  - sink: { postgres: { url:"
                    + " \"jdbc:postgresql://127.0.0.1/x\", table: t } }\n", "p.yaml", null);
            assertThatThrownBy(() -> rt.deploy(p)).isInstanceOf(InvalidPipelineException.class)
                    .hasMessageContaining("p.yaml:4").hasMessageContaining("no sink of type 'postgres' is installed");
        }
    }
}
