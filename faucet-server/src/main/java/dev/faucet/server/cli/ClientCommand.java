package dev.faucet.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running server: it gets a {@link FaucetClient} for {@code --server} and {@code --token},
 * and a {@link CliFailure} it throws becomes its lines on stderr and exit code 1.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions options;

    @Override
    public final Integer call() throws InterruptedException {
        try (FaucetClient client = new FaucetClient(options.server(spec), options.token(), Backoff.DEFAULT)) {
            return run(client);
        } catch (CliFailure e) {
            out().flush();
            e.lines().forEach(line -> err().println("faucet: " + line));
            return 1;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** Does the command's work; returns the exit code, or throws a {@link CliFailure}. */
    abstract int run(FaucetClient client) throws InterruptedException;

    CommandSpec spec() {
        return spec;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
