package dev.faucet.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code faucet topic delete NAME}: deletes the topic and its records; there is no undo. */
@Command(name = "delete", description = "Deletes a topic and all its records.")
final class TopicDeleteCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Topic name.")
    private String name;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        client.delete(TopicCommand.path(name));
        out().println("deleted topic " + name);
        return 0;
    }
}
