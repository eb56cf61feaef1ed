package dev.faucet.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code faucet topic}: the parent of {@code create}, {@code list}, {@code describe} and {@code delete}. */
@Command(name = "topic", description = "Creates, lists, describes and deletes topics.",
        subcommands = {TopicCreateCommand.class, TopicListCommand.class, TopicDescribeCommand.class,
                TopicDeleteCommand.class, HelpCommand.class})
public final class TopicCommand implements Runnable {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'faucet topic list'.");
    }

    /** The path of one topic's resource. */
    static String path(String topic) {
        return "/v1/topics/" + FaucetClient.encode(topic);
    }
}
