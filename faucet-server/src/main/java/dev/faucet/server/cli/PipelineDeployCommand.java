package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code faucet pipeline deploy FILE...}: deploys or updates each pipeline, printing {@code created},
 * {@code updated} or {@code unchanged} with its version.
 *
 * <p>All files are checked (a dry run each) before any is deployed: if one has problems they are printed on stderr as
 * {@code FILE:LINE: field: message} and nothing is deployed, as {@code faucet server --pipelines} does.
 */
@Command(name = "deploy", description = "Deploys or updates pipelines from their files; none if one is invalid.")
final class PipelineDeployCommand extends ClientCommand {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Pipeline files (YAML).")
    private List<String> files;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        List<PipelineFile> checked = new ArrayList<>();
        int bad = 0;
        for (String file : files) {
            PipelineFile f = PipelineFile.check(client, file);
            checked.add(f);
            if (!f.ok()) {
                bad++;
                f.problems().forEach(err()::println);
            }
        }
        if (bad > 0) {
            throw new CliFailure("nothing was deployed: " + (files.size() == 1 ? files.get(0) + " is not valid"
                    : bad + " of " + files.size() + " files are not valid"));
        }
        for (PipelineFile f : checked) {
            deploy(client, f);
        }
        return 0;
    }

    private void deploy(FaucetClient client, PipelineFile f) throws InterruptedException {
        Answer a = client.postYaml("/v1/pipelines", f.yaml());
        if (a.status() == 422) {
            a.problems(f.file()).forEach(err()::println);
            throw new CliFailure(f.file() + " was not deployed");
        }
        JsonNode status = a.json();
        out().println(status.path("change").asText() + " " + status.path("name").asText() + " (version "
                + status.path("version").asText() + ")");
        out().flush();
    }
}
