package dev.faucet.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code faucet pipeline delete NAME}: stops and forgets the pipeline, its positions and state; its topics stay. */
@Command(name = "delete", description = "Deletes a pipeline (its output and dead-letter topics stay).")
final class PipelineDeleteCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Pipeline name.")
    private String name;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        client.delete(PipelineCommand.path(name));
        out().println("deleted pipeline " + name);
        return 0;
    }
}
