package dev.faucet.server;

import dev.faucet.log.Log;
import dev.faucet.log.LogState;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Faucet server: the durable log of one data directory and the HTTP API in front of it.
 *
 * <p>Lifecycle: {@link #start} starts HTTP on the configured address and port, writes the port it got to
 * {@code DATA/server.port}, then opens the log ({@link Log#open}, which runs recovery). While recovery runs,
 * {@code /health/live} answers 200 and {@code /health/ready} 503, so a supervisor does not restart a server that is
 * busy recovering; when {@code start} returns the server is ready. {@link #close} stops HTTP (in-flight requests
 * finish), closes the log and removes {@code server.port}. A server is started once and closed once; {@code close}
 * is idempotent.
 *
 * <p>Threading: the methods may be called from any thread; requests run on Jetty's platform threads.
 */
public final class FaucetServer implements AutoCloseable {
    /** The file in the data directory that holds the HTTP port while the server runs. */
    public static final String PORT_FILE = "server.port";

    private static final Logger LOG = LoggerFactory.getLogger(FaucetServer.class);

    private final ServerConfig config;
    private final Javalin http;
    private volatile Log log;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile URI servingUri;

    private FaucetServer(ServerConfig config) {
        this.config = config;
        this.http = Javalin.create(this::configure);
    }

    /**
     * Opens the log and starts serving. On failure nothing is left open and the exception says why: a
     * {@link java.net.SocketException} when the address or port cannot be bound (checked before the log is opened,
     * since recovery can take a while), another {@link IOException} for the data directory. Should the port be
     * taken between that check and the start of HTTP, it is a {@link io.javalin.util.JavalinBindException}.
     */
    public static FaucetServer start(ServerConfig config) throws IOException {
        checkAddress(config);
        Files.createDirectories(config.dataDir());
        FaucetServer server = new FaucetServer(config);
        try {
            server.http.start();
            server.writePortFile();
            server.servingUri = server.uri();
            server.log = Log.open(config.dataDir());
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("serving {} from {}", server.servingUri, config.dataDir().toAbsolutePath().normalize());
        return server;
    }

    private static void checkAddress(ServerConfig config) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(config.bind(), config.port()));
        }
    }

    private void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.concurrency.useVirtualThreads = false;
        cfg.jetty.host = config.bind();
        cfg.jetty.port = config.port();
        new HealthRoutes(this::logState).addTo(cfg.routes);
    }

    /** The log's state, or null while it is being recovered. */
    private LogState logState() {
        Log current = log;
        return current == null ? null : current.state();
    }

    /** The TCP port the server listens on: the configured one, or the one picked for port 0. */
    public int port() {
        return http.port();
    }

    /** The base address of the HTTP API, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
        return URI.create("http://" + host + ":" + port());
    }

    public ServerConfig config() {
        return config;
    }

    /** Blocks until {@link #close} has finished, from whichever thread called it. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            http.stop();
        } finally {
            try {
                closeLog();
            } finally {
                removePortFile();
                closed.countDown();
            }
        }
        if (servingUri != null) {
            LOG.info("stopped serving {}", servingUri);
        }
    }

    private void closeLog() {
        Log current = log;
        if (current == null) {
            return;
        }
        try {
            current.close();
        } catch (IOException e) {
            LOG.warn("closing the log in {} failed: {}; the next start recovers it", config.dataDir(), e.toString());
        }
    }

    private Path portFile() {
        return config.dataDir().resolve(PORT_FILE);
    }

    private void removePortFile() {
        try {
            Files.deleteIfExists(portFile());
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", portFile(), e.toString());
        }
    }

    /** Written to a temporary file and moved into place, so a reader never sees half of it. */
    private void writePortFile() throws IOException {
        Path temporary = config.dataDir().resolve(PORT_FILE + ".tmp");
        Files.writeString(temporary, port() + "\n");
        Files.move(temporary, portFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
