package dev.faucet.server;

import dev.faucet.engine.IdempotencySettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of one {@link FaucetServer}, validated when built: an invalid value is an
 * {@link IllegalArgumentException} naming the setting and the value. The command line sets the first three and
 * {@code pipelines};
 * {@code --config FILE} the rest ({@link ServerConfigFile}).
 *
 * @param dataDir     where the log keeps its files and the server writes {@code server.port}; created if missing
 * @param bind        the address to listen on, e.g. {@code 127.0.0.1} (loopback only) or {@code 0.0.0.0}
 * @param port        the TCP port to listen on, 0 to pick a free one
 * @param limits      request and resource limits
 * @param backlog     backpressure per topic
 * @param security    tokens and TLS; tokens are required when {@code bind} is not a loopback address
 * @param idempotency how long publish idempotency keys are remembered
 * @param pipelines   a directory whose pipeline files are deployed at start ({@code --pipelines}), or null
 * @param sources     the sources of the {@code --config} file, started with the server
 */
public record ServerConfig(Path dataDir, String bind, int port, Limits limits, Backlog backlog, Security security,
        IdempotencySettings idempotency, Path pipelines, java.util.List<SourceDefinition> sources) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(backlog, "backlog");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(idempotency, "idempotency");
        sources = sources == null ? java.util.List.of() : java.util.List.copyOf(sources);
        if (bind.isBlank()) {
            throw new IllegalArgumentException("bind: an address is required, e.g. 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is not a TCP port (0 to 65535; 0 picks a free one)");
        }
        if (!security.tokensRequired() && !isLoopback(bind)) {
            throw new IllegalArgumentException("bind: " + bind + " is reachable from other machines, so API tokens"
                    + " are required: add tokens to the --config file (see docs/http-api.md, Security), or bind"
                    + " 127.0.0.1");
        }
    }

    public ServerConfig(Path dataDir, String bind, int port) {
        this(dataDir, bind, port, Limits.DEFAULTS, Backlog.DEFAULTS, Security.NONE, IdempotencySettings.DEFAULTS,
                null, java.util.List.of());
    }

    /** The defaults of {@code faucet server} with the given data directory: loopback, port 8080. */
    public static ServerConfig of(Path dataDir) {
        return new ServerConfig(dataDir, DEFAULT_BIND, DEFAULT_PORT);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDir, bind, newPort, limits, backlog, security, idempotency, pipelines,
                sources);
    }

    public ServerConfig withBind(String newBind) {
        return new ServerConfig(dataDir, newBind, port, limits, backlog, security, idempotency, pipelines,
                sources);
    }

    public ServerConfig withLimits(Limits newLimits) {
        return new ServerConfig(dataDir, bind, port, newLimits, backlog, security, idempotency, pipelines,
                sources);
    }

    public ServerConfig withBacklog(Backlog newBacklog) {
        return new ServerConfig(dataDir, bind, port, limits, newBacklog, security, idempotency, pipelines,
                sources);
    }

    public ServerConfig withSecurity(Security newSecurity) {
        return new ServerConfig(dataDir, bind, port, limits, backlog, newSecurity, idempotency, pipelines,
                sources);
    }

    public ServerConfig withIdempotency(IdempotencySettings newIdempotency) {
        return new ServerConfig(dataDir, bind, port, limits, backlog, security, newIdempotency, pipelines,
                sources);
    }

    /** With the pipeline files of {@code dir} deployed at start; null for none. */
    public ServerConfig withPipelines(Path dir) {
        return new ServerConfig(dataDir, bind, port, limits, backlog, security, idempotency, dir,
                sources);
    }

    /** With sources started with the server. */
    public ServerConfig withSources(java.util.List<SourceDefinition> newSources) {
        return new ServerConfig(dataDir, bind, port, limits, backlog, security, idempotency, pipelines, newSources);
    }

    /** True for loopback addresses ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}); false if unresolvable. */
    static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
