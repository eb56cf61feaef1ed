package dev.faucet.engine;

import dev.faucet.engine.yaml.JsonSchemaWriter;
import dev.faucet.engine.yaml.PipelineReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pipeline files: YAML to the same {@link Pipeline} plan the Java DSL builds (docs/pipelines.md is the user's
 * guide; DESIGN.md, Interfaces, the contract).
 *
 * <p>A file that cannot become a plan is refused with an {@link InvalidPipelineException} that lists every problem
 * found, in line order, each with file, line and field: unknown keys (with "did you mean"), missing keys, wrong types,
 * bad durations and choices, duplicate keys, and YAML a pipeline file does not need and that only brings danger:
 * anchors and aliases (alias bombs), explicit tags, several documents, more than {@link #MAX_FILE_BYTES} or deep
 * nesting. Expressions are only checked to be text here; the engine compiles them and places its errors with the
 * plan's {@link Pipeline.Origin}.
 *
 * <p>The plan keeps the text given as {@code source}, so its version is the hash of the file: deploying the same file
 * twice changes nothing. Stateless and thread-safe.
 */
public final class PipelineYaml {
    /** The largest pipeline file (and schema file) accepted: 1 MiB. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private PipelineYaml() {
    }

    /**
     * Parses a pipeline file's text. {@code fileName} (nullable) is used in messages; {@code schemaFiles} resolves
     * {@code validate: {schema: "path"}} (null refuses such references: the text must carry its schemas inline, as
     * {@link #bundle} writes it).
     *
     * @throws InvalidPipelineException with every problem found
     */
    public static Pipeline parse(String yaml, String fileName, SchemaFiles schemaFiles) {
        return PipelineReader.parse(yaml, fileName, schemaFiles);
    }

    /** Reads a pipeline file (UTF-8, at most 1 MiB), its schema paths relative to its directory. */
    public static Pipeline parse(Path file) throws IOException {
        return PipelineReader.parse(file);
    }

    /**
     * The file's text with every {@code schema: path} replaced by the schema itself, as one line of JSON, so that a
     * server can deploy it without the files. Everything else is kept byte for byte, and every line stays where it
     * was; the same input gives the same output.
     *
     * @throws InvalidPipelineException when the file (or its bundled form) is not a valid pipeline
     */
    public static String bundle(Path file) throws IOException {
        return PipelineReader.bundle(file);
    }

    /** The JSON Schema (draft 2020-12) of pipeline files, generated from the step specs; docs/pipeline.schema.json. */
    public static String jsonSchema() {
        return JsonSchemaWriter.write();
    }

    /** Reads the schema files that {@code validate} steps name. */
    @FunctionalInterface
    public interface SchemaFiles {
        /** The text of the schema file {@code ref}, as written in the pipeline file. */
        String read(String ref) throws IOException;
    }
}
