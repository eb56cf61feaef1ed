package dev.faucet.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published JSON Schema, checked by a real validator as an editor would use it: it is a valid draft 2020-12
 * schema, it accepts every valid example pipeline, and it refuses the invalid ones, as the parser does.
 */
class PipelineYamlSchemaTest {
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema SCHEMA = REGISTRY.getSchema(PipelineYaml.jsonSchema(), InputFormat.JSON);
    private static final YAMLMapper YAML = new YAMLMapper();

    static Stream<Path> valid() throws IOException {
        return files(PipelineYamlTest.PIPELINES);
    }

    static Stream<Path> invalid() throws IOException {
        return files(PipelineYamlTest.PIPELINES.resolve("invalid"));
    }

    private static Stream<Path> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    private static List<com.networknt.schema.Error> errors(Path file) throws IOException {
        JsonNode pipeline = YAML.readTree(file.toFile());
        return SCHEMA.validate(pipeline);
    }

    @Test
    void theSchemaIsAValidDraft202012Schema() {
        Schema meta = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        assertThat(meta.validate(PipelineYaml.jsonSchema(), InputFormat.JSON)).isEmpty();
        assertThat(meta.validate("{\"type\": 5}", InputFormat.JSON)).as("the meta-schema is really checked")
                .isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("valid")
    void everyValidExampleMatchesTheSchemaAndParses(Path file) throws IOException {
        assertThat(errors(file)).isEmpty();
        assertThat(PipelineYaml.parse(file).steps()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void everyInvalidExampleFailsTheSchemaAndIsRefused(Path file) throws IOException {
        assertThat(errors(file)).isNotEmpty();
        assertThatThrownBy(() -> PipelineYaml.parse(file)).isInstanceOf(InvalidPipelineException.class);
    }

    @Test
    void theSchemaTellsEditorsTheStepsAndTheirFields() throws IOException {
        JsonNode schema = YAML.readTree(PipelineYaml.jsonSchema());
        JsonNode steps = schema.at("/$defs/step/properties");

        assertThat(steps.properties()).extracting(Map.Entry::getKey).containsExactly("validate", "filter", "set",
                "map", "drop", "enrich", "route", "key", "dedupe", "to", "sink");
        assertThat(steps.at("/enrich/properties/onMissing/enum").toString())
                .isEqualTo("[\"dead-letter\",\"skip\",\"keep\"]");
        assertThat(steps.at("/enrich/properties/onMissing/default").asText()).isEqualTo("dead-letter");
        assertThat(schema.at("/properties/errors/properties/retries/default").asInt()).isEqualTo(5);
    }
}
