package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.server.FaucetServer;
import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A real Faucet server on loopback (port 0) for one test, and the command line pointed at it with --server. */
final class CliServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerConfig config;
    private FaucetServer server;

    private CliServer(ServerConfig config) throws IOException {
        this.config = config;
        this.server = FaucetServer.start(config);
    }

    static CliServer start(ServerConfig config) throws IOException {
        return new CliServer(config.withPort(0));
    }

    URI uri() {
        return server.uri();
    }

    /** Stops the server and starts it again on the same data directory (on another port). */
    void restart() throws IOException {
        server.close();
        server = FaucetServer.start(config);
    }

    Cli.Result faucet(String... args) {
        return Cli.faucet(withServer(args));
    }

    Cli.Result faucetWithInput(String stdin, String... args) {
        return Cli.faucetWithInput(stdin, withServer(args));
    }

    private String[] withServer(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--server");
        all.add(uri().toString());
        return all.toArray(String[]::new);
    }

    /** NDJSON lines {@code {"n":from}} to {@code {"n":to}}, each with a customer field c0..c30. */
    static String lines(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int n = from; n <= to; n++) {
            b.append("{\"n\":").append(n).append(",\"customer\":\"c").append(n % 31).append("\"}\n");
        }
        return b.toString();
    }

    /** The record objects of NDJSON output. */
    static List<JsonNode> records(Cli.Result result) {
        return result.lines().stream().map(CliServer::parse).toList();
    }

    /** The {@code n} field of each record's value, in output order. */
    static List<Integer> ns(Cli.Result result) {
        return records(result).stream().map(r -> r.path("value").path("n").asInt()).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
