package dev.faucet.engine.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.PipelineYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The files generated from the step specs are committed, and must be what the specs write today:
 * docs/pipeline.schema.json and the reference section of docs/pipelines.md. To regenerate both, run this test with
 * {@code -Dfaucet.regenerate=true} (see {@link #REGENERATE}).
 */
class GeneratedDocsTest {
    static final String REGENERATE = "regenerate with: mvn -B -o -q verify -pl faucet-engine -am"
            + " -Dtest=GeneratedDocsTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dfaucet.regenerate=true";

    private static final boolean WRITE = Boolean.getBoolean("faucet.regenerate");

    static Path docs() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        return dir.resolve("docs");
    }

    @Test
    void theCommittedJsonSchemaIsTheOneTheSpecsWrite() throws IOException {
        Path file = docs().resolve("pipeline.schema.json");
        if (WRITE) {
            Files.writeString(file, PipelineYaml.jsonSchema());
        }
        assertThat(Files.readString(file)).as("docs/pipeline.schema.json differs from PipelineYaml.jsonSchema(); "
                + REGENERATE).isEqualTo(PipelineYaml.jsonSchema());
    }

    @Test
    void theReferenceInTheGuideIsTheOneTheSpecsWrite() throws IOException {
        Path file = docs().resolve("pipelines.md");
        String text = Files.readString(file);
        int begin = text.indexOf(StepReference.BEGIN);
        int end = text.indexOf(StepReference.END);
        assertThat(begin).as("docs/pipelines.md has the marker " + StepReference.BEGIN).isNotNegative();
        assertThat(end).as("docs/pipelines.md has the marker " + StepReference.END).isGreaterThan(begin);
        String current = text.substring(begin + StepReference.BEGIN.length(), end);
        String expected = "\n\n" + StepReference.markdown() + "\n";
        if (WRITE) {
            Files.writeString(file, text.substring(0, begin + StepReference.BEGIN.length()) + expected
                    + text.substring(end));
            current = expected;
        }
        assertThat(current).as("the reference in docs/pipelines.md differs from the step specs; " + REGENERATE)
                .isEqualTo(expected);
    }
}
