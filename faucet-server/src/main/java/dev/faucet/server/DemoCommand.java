package dev.faucet.server;

import dev.faucet.server.demo.Demo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code faucet demo}: the server with the example pipelines and a generator of shop events, and where to look.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = FaucetVersion.class,
        description = "Runs the server with the example pipelines (examples/) and generated shop events.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "./demo-data",
            description = "Data directory, created if missing (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "50",
            description = "Orders (and as many payments) generated per second (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Override
    public Integer call() throws InterruptedException {
        ServerCommand.checkPort(spec, port);
        if (!(rate > 0) || rate > 100_000) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid --rate: " + rate
                    + " (1 to 100,000 orders a second)");
        }
        PrintWriter out = spec.commandLine().getOut();
        ServerConfig config = new ServerConfig(dataDir, ServerConfig.DEFAULT_BIND, port);
        FaucetServer server;
        try {
            server = FaucetServer.start(config);
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("faucet: cannot start the server: " + ServerCommand.describe(e,
                    config));
            return 1;
        }
        Demo demo = new Demo(server.runtime(), server.uri(), rate, out);
        try {
            demo.start();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("faucet: the demo could not start: " + e.getMessage());
            server.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            server.close();
        }, "faucet-shutdown"));
        String url = server.uri().toString();
        String s = port == 8080 ? "" : " --server " + url;
        out.println("faucet listening on " + url);
        out.printf("faucet demo: about %.0f orders and %.0f payments a second go through the pipelines %s"
                + " (examples/)%n", rate, rate, String.join(" and ", Demo.PIPELINES));
        out.println("  watch the routed orders:    ./faucet consume orders-gold --follow" + s);
        out.println("  see the dead letters:       ./faucet consume orders-routing.dlq --from-beginning --max 5" + s);
        out.println("  pipeline status:            curl -s " + url + "/v1/pipelines/orders-routing");
        out.println("  metrics:                    curl -s " + url + "/metrics | grep faucet_pipeline");
        out.println("  Ctrl-C stops it; the data stays in " + dataDir + " (delete it to start over)");
        out.flush();
        server.awaitClose();
        return 0;
    }
}
