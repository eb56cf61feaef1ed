package dev.faucet.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code faucet pipeline}: the parent of {@code validate}, {@code deploy}, {@code list}, {@code status},
 * {@code pause}, {@code resume} and {@code delete}.
 */
@Command(name = "pipeline", description = "Validates, deploys, lists, shows, pauses, resumes and deletes pipelines.",
        subcommands = {PipelineValidateCommand.class, PipelineDeployCommand.class, PipelineListCommand.class,
                PipelineStatusCommand.class, PipelinePauseCommand.class, PipelineResumeCommand.class,
                PipelineDeleteCommand.class, HelpCommand.class})
public final class PipelineCommand implements Runnable {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'faucet pipeline list'.");
    }

    /** The path of one pipeline's resource. */
    static String path(String name) {
        return "/v1/pipelines/" + FaucetClient.encode(name);
    }
}
