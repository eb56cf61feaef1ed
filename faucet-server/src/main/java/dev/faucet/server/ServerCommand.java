package dev.faucet.server;

import dev.faucet.engine.InvalidPipelineException;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code faucet server}: runs a {@link FaucetServer} until the process is asked to stop (SIGTERM, Ctrl-C), then
 * stops it gracefully from a shutdown hook. A failure to start is one line on stderr and exit code 1.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = FaucetVersion.class,
        description = "Runs the Faucet server: the durable log in --data, the HTTP API and the pipelines.")
final class ServerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "./data",
            description = "Data directory, created if missing (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    private String bind;

    @Option(names = "--pipelines", paramLabel = "DIR",
            description = "Deploy the pipeline files (*.yaml, *.yml) in DIR at start; if one is invalid, none is"
                    + " deployed and the server does not start. The topics they use must exist.")
    private Path pipelinesDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The server's YAML settings: limits, backlog, idempotency, tokens, TLS, sources"
                    + " (docs/http-api.md).")
    private Path configFile;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("faucet: " + e.getMessage());
            return 1;
        }
        FaucetServer server;
        try {
            server = FaucetServer.start(config);
        } catch (InvalidPipelineException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("faucet: cannot start the server: the pipelines in " + config.pipelines() + " have "
                    + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems")
                    + "; none was deployed");
            e.problems().forEach(p -> err.println("faucet: " + p));
            return 1;
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("faucet: cannot start the server: " + describe(e, config));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "faucet-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("faucet listening on " + server.uri());
        out.flush();
        server.awaitClose();
        return 0;
    }

    /** The command line and the config file; the file's tokens decide whether a non-loopback --bind is allowed. */
    private ServerConfig config() {
        checkPort(spec, port);
        ServerConfig base = new ServerConfig(dataDir, ServerConfig.DEFAULT_BIND, port);
        if (configFile != null) {
            base = ServerConfigFile.apply(configFile, base, System::getenv);
        }
        if (pipelinesDir != null && !java.nio.file.Files.isDirectory(pipelinesDir)) {
            throw new IllegalArgumentException("--pipelines: " + pipelinesDir + " is not a directory");
        }
        return base.withBind(bind).withPipelines(pipelinesDir);
    }

    /** Refuses a {@code --port} that is no TCP port (for {@code server} and {@code demo}). */
    static void checkPort(CommandSpec spec, int port) {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "Invalid --port: " + port + " is not a TCP port (0 to"
                    + " 65535; 0 picks a free one)");
        }
    }

    /** A failure to start, in one line for the person who typed the command. */
    static String describe(Exception e, ServerConfig config) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e instanceof SocketException || e instanceof JavalinBindException) {
            String hint = message.contains("in use") ? " (--port 0 picks a free port)" : "";
            return "cannot listen on " + config.bind() + ":" + config.port() + ": " + message + hint;
        }
        if (e instanceof AccessDeniedException denied) {
            return "data directory " + config.dataDir() + " is not writable (permission denied: " + denied.getFile()
                    + ")";
        }
        if (e instanceof FileSystemException fs) {
            String reason = fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
            String where = config.dataDir().toString().equals(fs.getFile()) ? "" : fs.getFile() + ": ";
            return "cannot use data directory " + config.dataDir() + ": " + where + reason;
        }
        return message;
    }
}
