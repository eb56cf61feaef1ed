package dev.faucet.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of one {@link FaucetServer}, validated when built: an invalid value is an
 * {@link IllegalArgumentException} naming the setting and the value.
 *
 * @param dataDir where the log keeps its files and the server writes {@code server.port}; created if missing
 * @param bind    the address to listen on, e.g. {@code 127.0.0.1} (loopback only) or {@code 0.0.0.0}
 * @param port    the TCP port to listen on, 0 to pick a free one
 */
public record ServerConfig(Path dataDir, String bind, int port) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bind, "bind");
        if (bind.isBlank()) {
            throw new IllegalArgumentException("bind: an address is required, e.g. 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is not a TCP port (0 to 65535; 0 picks a free one)");
        }
    }

    /** The defaults of {@code faucet server} with the given data directory: loopback, port 8080. */
    public static ServerConfig of(Path dataDir) {
        return new ServerConfig(dataDir, DEFAULT_BIND, DEFAULT_PORT);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDir, bind, newPort);
    }
}
