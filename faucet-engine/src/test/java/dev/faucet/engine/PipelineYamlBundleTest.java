package dev.faucet.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code PipelineYaml.bundle}: schema files inlined so that a server can deploy the file alone. */
class PipelineYamlBundleTest {
    private static final Path ORDERS = PipelineYamlTest.PIPELINES.resolve("orders-routing.yaml");

    @TempDir
    Path dir;

    @Test
    void schemaFilesAreInlinedInPlaceAndEveryOtherLineIsKeptAsWritten() throws IOException {
        List<String> original = Files.readAllLines(ORDERS);
        List<String> bundled = PipelineYaml.bundle(ORDERS).lines().toList();

        assertThat(bundled).hasSameSizeAs(original);
        for (int i = 0; i < original.size(); i++) {
            if (i != 7) {
                assertThat(bundled.get(i)).isEqualTo(original.get(i));
            }
        }
        assertThat(bundled.get(7)).startsWith("  - validate: { schema: {\"$schema\": "
                + "\"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", ").endsWith("}}} }");
    }

    @Test
    void theBundledFileParsesWithoutSchemaFilesToTheSamePlanAndLines() throws IOException {
        Pipeline fromFile = PipelineYaml.parse(ORDERS);
        Pipeline fromBundle = PipelineYaml.parse(PipelineYaml.bundle(ORDERS), "orders-routing.yaml", null);

        Step.Validate original = (Step.Validate) fromFile.steps().get(0);
        assertThat(fromBundle.steps().get(0)).isEqualTo(new Step.Validate(original.schemaJson(), null));
        assertThat(fromBundle.steps().subList(1, 5)).isEqualTo(fromFile.steps().subList(1, 5));
        assertThat(fromBundle.errors()).isEqualTo(fromFile.errors());
        assertThat(fromBundle.origin().lines()).isEqualTo(fromFile.origin().lines());
        assertThat(original.schemaJson()).contains("\"minimum\": 0.0", "\\\"quoted\\\", tab\\t, é, \\u2028 kept.");
    }

    @Test
    void theSameInputBundlesToTheSameBytes() throws IOException {
        assertThat(PipelineYaml.bundle(ORDERS)).isEqualTo(PipelineYaml.bundle(ORDERS));
    }

    @Test
    void aFileWithoutSchemaFilesIsLeftAsItIs() throws IOException {
        Path every = PipelineYamlTest.PIPELINES.resolve("every-step.yaml");

        assertThat(PipelineYaml.bundle(every)).isEqualTo(Files.readString(every));
    }

    @Test
    void quotedPathsBlockMappingsAndTextBeforeThemInAnyScriptAreBundled() throws IOException {
        Files.writeString(dir.resolve("s.json"), "{\"required\": [\"π\"]}");
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                name: p
                description: "\uD83D\uDE80 ünïcödé before the paths"
                input: i
                steps:
                  - validate:
                      schema: "s.json"   # quoted
                  - validate: { schema: 's.json' }
                  - to: o
                """);

        String bundled = PipelineYaml.bundle(file);

        assertThat(bundled).contains("      schema: {\"required\": [\"π\"]}   # quoted\n",
                "  - validate: { schema: {\"required\": [\"π\"]} }\n");
        assertThat(PipelineYaml.parse(bundled, null, null).steps()).hasSize(3);
    }

    @Test
    void anInvalidFileIsRefusedInsteadOfBundled() throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "name: p\ninput: i\nsteps:\n  - validate: { schema: nowhere.json }\n  - to: o\n");

        assertThatThrownBy(() -> PipelineYaml.bundle(file)).isInstanceOf(InvalidPipelineException.class)
                .hasMessageEndingWith("p.yaml:4: steps[0].validate.schema: schema file 'nowhere.json' does not exist");
    }

    @Test
    void aBundleOverTheSizeLimitIsRefused() throws IOException {
        Files.writeString(dir.resolve("big.json"), "{\"description\": \"" + "x".repeat(600_000) + "\"}");
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "name: p\ninput: i\nsteps:\n  - validate: { schema: big.json }\n"
                + "  - validate: { schema: big.json }\n  - to: o\n");

        assertThatThrownBy(() -> PipelineYaml.bundle(file)).isInstanceOf(InvalidPipelineException.class)
                .hasMessageContaining("p.yaml (bundled): the file is").hasMessageContaining("at most 1048576");
    }
}
