package dev.faucet.server.cli;

import dev.faucet.server.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** Runs the {@code faucet} command line in this JVM, with its own stdin, stdout and stderr. */
final class Cli {
    private Cli() {
    }

    /** What one run left behind. */
    record Result(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Result faucet(String... args) {
        return faucetWithInput("", args);
    }

    /** Runs {@code faucet args} with {@code stdin} as the input of {@code produce}. */
    static Result faucetWithInput(String stdin, String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        ProduceCommand produce = commandLine.getSubcommands().get("produce").getCommand();
        produce.input(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
