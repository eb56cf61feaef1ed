package dev.faucet.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code faucet pipeline pause NAME}: stops its tasks after their in-flight work; its positions are kept. */
@Command(name = "pause", description = "Pauses a pipeline; it stays paused across restarts until resumed.")
final class PipelinePauseCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Pipeline name.")
    private String name;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        client.action(PipelineCommand.path(name) + "/pause");
        out().println("paused pipeline " + name);
        return 0;
    }
}
