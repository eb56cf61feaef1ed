package dev.faucet.bench.http;

import dev.faucet.server.FaucetServer;
import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code http-server}: a Faucet server for the load generator, in front of the durable embedded log (exactly what
 * {@code faucet server} runs) or of the {@link NoopRuntime} (completing at once, or on a thread of its own). Prints
 * {@code PORT n} once it serves. It stops on SIGTERM or Ctrl-C, with {@code --stdin} when its standard input ends,
 * and always when its parent process exits, so a benchmark that dies leaves no server behind.
 */
final class BenchServer {
    static final String PORT = "PORT ";

    static final String USAGE = """
            usage: BenchMain http-server --data DIR [options]
              --runtime R             durable (the embedded log), noop (the baseline), or noop-async (the
                                      baseline completing publishes on a thread of its own) (durable)
              --data DIR              data directory (required; the durable log writes there)
              --port N                TCP port on 127.0.0.1, 0 for a free one (0)
              --stdin                 stop when standard input ends (for a parent process)""";

    private BenchServer() {
    }

    static void main(List<String> args) throws IOException, InterruptedException {
        Flags f = Flags.parse("http-server", args, List.of("stdin"));
        String runtime = f.string("runtime", "durable").toLowerCase(Locale.ROOT);
        String data = f.string("data", null);
        int port = f.integer("port", 0);
        boolean stdin = f.present("stdin");
        f.done();
        if (data == null || !List.of("durable", "noop", "noop-async").contains(runtime)) {
            throw new IllegalArgumentException("http-server: --data DIR is required and --runtime is durable, noop or"
                    + " noop-async");
        }
        ServerConfig config = ServerConfig.of(Path.of(data)).withPort(port);
        FaucetServer server = runtime.equals("durable") ? FaucetServer.start(config)
                : FaucetServer.start(config, c -> new NoopRuntime(runtime.equals("noop-async")));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bench-server-stop"));
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(3)));
        System.out.println(PORT + server.port() + " " + runtime + " " + server.uri());
        System.out.flush();
        if (stdin) {
            while (System.in.read() >= 0) {
                // the parent writes nothing; the read ends when it closes our input
            }
            server.close();
            return;
        }
        server.awaitClose();
    }
}
