package dev.faucet.server;

import dev.faucet.server.cli.ConsumeCommand;
import dev.faucet.server.cli.PipelineCommand;
import dev.faucet.server.cli.ProduceCommand;
import dev.faucet.server.cli.TopicCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code faucet} command. Exit codes: 0 success, 1 the command failed (stderr says why, in lines that start
 * with {@code faucet: }), 2 the command line was wrong (the usage follows).
 */
@Command(name = "faucet", mixinStandardHelpOptions = true, versionProvider = FaucetVersion.class,
        description = "Real-time event streaming for business data.",
        subcommands = {ServerCommand.class, DemoCommand.class, TopicCommand.class, ProduceCommand.class,
                ConsumeCommand.class, PipelineCommand.class, HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, ready to {@code execute}; tests redirect its output with {@code setOut}/{@code setErr} (and
     * the client commands' tests, in their own package, give {@code produce} its input).
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'faucet server'.");
    }
}
