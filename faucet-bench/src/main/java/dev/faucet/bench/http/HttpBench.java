package dev.faucet.bench.http;

import java.util.List;

/**
 * The HTTP ingest benchmark's commands, called by {@link dev.faucet.bench.BenchMain}: {@code http} (the whole run,
 * one command), {@code http-server} (a server in front of the durable log or the no-op baseline) and
 * {@code http-load} (the load generator). Public because {@code BenchMain} lives in the parent package.
 */
public final class HttpBench {
    public static final List<String> COMMANDS = List.of("http", "http-server", "http-load");

    private HttpBench() {
    }

    /** Runs one of {@link #COMMANDS}; a bad command line is an {@link IllegalArgumentException}. */
    public static void run(String command, List<String> args) throws Exception {
        switch (command) {
            case "http" -> HttpRun.main(args);
            case "http-server" -> BenchServer.main(args);
            case "http-load" -> LoadGenerator.main(args);
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
    }

    /** The usage of every HTTP command. */
    public static String usage() {
        return String.join("\n", RunConfig.USAGE, BenchServer.USAGE, LoadConfig.USAGE);
    }
}
