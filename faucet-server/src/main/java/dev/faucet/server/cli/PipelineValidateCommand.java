package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code faucet pipeline validate FILE...}: a dry-run deployment of each file. Prints {@code FILE: valid (...)} for a
 * good one and, on stderr, every problem of a bad one as {@code FILE:LINE: field: message}; exits 1 if any is bad.
 */
@Command(name = "validate", description = "Checks pipeline files as the server would deploy them, deploying nothing.")
final class PipelineValidateCommand extends ClientCommand {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Pipeline files (YAML).")
    private List<String> files;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        int bad = 0;
        for (String file : files) {
            PipelineFile f = PipelineFile.check(client, file);
            if (f.ok()) {
                JsonNode v = f.valid();
                out().println(file + ": valid (pipeline " + v.path("name").asText() + ", version "
                        + v.path("version").asText() + ", " + standing(v.path("change").asText()) + ")");
            } else {
                bad++;
                out().flush();
                f.problems().forEach(err()::println);
            }
        }
        if (bad > 0) {
            throw new CliFailure(bad == 1 && files.size() == 1 ? files.get(0) + " is not valid"
                    : bad + " of " + files.size() + " files are not valid");
        }
        return 0;
    }

    /** What deploying the file would do, from the dry run's {@code change}. */
    private static String standing(String change) {
        return switch (change) {
            case "created" -> "not deployed yet";
            case "updated" -> "a new version of the deployed one";
            case "unchanged" -> "deployed already";
            default -> change;
        };
    }
}
