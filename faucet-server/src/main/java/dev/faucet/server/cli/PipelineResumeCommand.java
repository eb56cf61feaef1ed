package dev.faucet.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code faucet pipeline resume NAME}: a paused pipeline goes on where it stopped; a failed one retries its record. */
@Command(name = "resume", description = "Resumes a paused or failed pipeline.")
final class PipelineResumeCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Pipeline name.")
    private String name;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        client.action(PipelineCommand.path(name) + "/resume");
        out().println("resumed pipeline " + name);
        return 0;
    }
}
