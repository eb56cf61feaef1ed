package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.PipelineYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * One pipeline file as {@code validate} and {@code deploy} send it: read, with its schema files inlined
 * ({@link PipelineYaml#bundle}, which keeps every other line where it was), and checked by the server's dry run.
 * Problems are lines {@code FILE:LINE: field: message}, FILE as the user typed it.
 *
 * @param yaml     the bundled text, null when it could not be bundled
 * @param valid    the server's dry-run answer ({@code name}, {@code version}, {@code change}), null when not valid
 * @param problems why it is not valid; empty when it is
 */
record PipelineFile(String file, String yaml, JsonNode valid, List<String> problems) {

    /** Reads, bundles and dry-runs {@code file}. */
    static PipelineFile check(FaucetClient client, String file) throws InterruptedException {
        String yaml;
        try {
            yaml = bundle(Path.of(file));
        } catch (InvalidPipelineException e) {
            return new PipelineFile(file, null, null, e.problems().stream().map(p -> p.file() != null ? p.toString()
                    : new InvalidPipelineException.Problem(file, p.line(), p.field(), p.message()).toString())
                    .toList());
        }
        Answer a = client.postYaml("/v1/pipelines?dryRun=true", yaml);
        if (a.status() == 422) {
            return new PipelineFile(file, yaml, null, a.problems(file));
        }
        return new PipelineFile(file, yaml, a.json(), List.of());
    }

    boolean ok() {
        return problems.isEmpty();
    }

    private static String bundle(Path path) {
        try {
            Files.readString(path);
            return PipelineYaml.bundle(path);
        } catch (NoSuchFileException e) {
            throw new CliFailure("cannot read " + path + ": no such file");
        } catch (IOException e) {
            throw new CliFailure("cannot read " + path + ": " + e.getMessage());
        }
    }
}
