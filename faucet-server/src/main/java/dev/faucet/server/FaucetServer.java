package dev.faucet.server;

import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.log.LogState;
import dev.faucet.server.ingest.Admission;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Faucet server: the durable log of one data directory and the HTTP API in front of it.
 *
 * <p>Lifecycle: {@link #start} starts HTTP on the configured address and port, writes the port it got to
 * {@code DATA/server.port}, then opens the log ({@link Log#open}, which runs recovery and starts the pipelines
 * deployed before) and deploys the pipeline files of {@code --pipelines} ({@link ServerConfig#pipelines()}).
 * Meanwhile {@code /health/live} answers 200 and {@code /health/ready} 503, so a supervisor does not restart a
 * server that is busy recovering; when {@code start} returns the server is serving. {@link #close} stops HTTP
 * (in-flight requests finish), closes the log and removes {@code server.port}. A server is started once and closed
 * once; {@code close} is idempotent.
 *
 * <p>Threading: the methods may be called from any thread; requests run on Jetty's platform threads.
 */
public final class FaucetServer implements AutoCloseable {
    /** The file in the data directory that holds the HTTP port while the server runs. */
    public static final String PORT_FILE = "server.port";
    private static final long DRAIN_MS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(FaucetServer.class);

    /** Opens the runtime behind the server; the default opens the embedded log in the data directory. */
    @FunctionalInterface
    public interface RuntimeOpener {
        PipelineRuntime open(ServerConfig config) throws IOException;

        /**
         * Opens it with the server's meter registry, which {@code /metrics} serves: a runtime registers its pipeline
         * metrics there. The default ignores the registry.
         */
        default PipelineRuntime open(ServerConfig config, MeterRegistry meters) throws IOException {
            return open(config);
        }
    }

    /** The embedded log in the data directory, its pipelines' metrics in the server's registry. */
    private static final class EmbeddedOpener implements RuntimeOpener {
        @Override
        public PipelineRuntime open(ServerConfig config) throws IOException {
            return open(config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        }

        @Override
        public PipelineRuntime open(ServerConfig c, MeterRegistry meters) throws IOException {
            return EmbeddedRuntime.open(c.dataDir(), log -> log.withMaxRecordBytes(Math.max(
                    c.limits().maxRecordBytes() + 64 * 1024, log.maxRecordBytes())), c.idempotency(), meters);
        }
    }

    private final ServerConfig config;
    private final RuntimeOpener opener;
    private final Javalin http;
    private volatile PipelineRuntime runtime;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final TopicSignals signals = new TopicSignals();
    private final PrometheusMeterRegistry meters = ServerMetrics.newRegistry();
    private volatile URI servingUri;
    private volatile Routes routes;

    /** What serves {@code /v1} once the runtime is open. */
    private record Routes(Auth auth, ServerMetrics metrics, TopicRoutes topics, RecordRoutes records,
            SubscribeRoutes subscriptions, PipelineRoutes pipelines) {
    }

    private FaucetServer(ServerConfig config, RuntimeOpener opener) {
        this.config = config;
        this.opener = opener;
        this.http = Javalin.create(this::configure);
    }

    /**
     * Opens the log and starts serving. On failure nothing is left open and the exception says why: a
     * {@link java.net.SocketException} when the address or port cannot be bound (checked before the log is opened,
     * since recovery can take a while), another {@link IOException} for the data directory. Should the port be
     * taken between that check and the start of HTTP, it is a {@link io.javalin.util.JavalinBindException}.
     */
    public static FaucetServer start(ServerConfig config) throws IOException {
        return start(config, new EmbeddedOpener());
    }

    /** Starts a server in front of the runtime {@code opener} opens (benchmarks use a no-op runtime). */
    public static FaucetServer start(ServerConfig config, RuntimeOpener opener) throws IOException {
        checkAddress(config);
        Files.createDirectories(config.dataDir());
        FaucetServer server = new FaucetServer(config, opener);
        try {
            server.http.start();
            server.writePortFile();
            server.servingUri = server.uri();
            server.open();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("serving {} from {}", server.servingUri, config.dataDir().toAbsolutePath().normalize());
        return server;
    }

    /**
     * Opens the runtime, deploys the pipelines of {@code --pipelines} (all or none: a bad file stops the start with
     * an {@link dev.faucet.engine.InvalidPipelineException}), then serves {@code /v1}.
     */
    private void open() throws IOException {
        PipelineRuntime opened = opener.open(config, meters);
        if (opened instanceof EmbeddedRuntime embedded) {
            for (String note : embedded.recoveryNotes()) {
                LOG.info("recovery: {}", note);
            }
        }
        runtime = opened;
        if (config.pipelines() != null) {
            PipelineDirectory.deploy(config.pipelines(), opened);
        }
        for (SourceDefinition src : config.sources()) {
            opened.startSource(src.name(), src.type(), src.settings(), src.to());
        }
        ServerMetrics[] metrics = new ServerMetrics[1];
        Admission admission = new Admission(opened, config.limits(), config.backlog(), r -> metrics[0].refused(r));
        metrics[0] = new ServerMetrics(meters, opened, admission);
        Auth auth = new Auth(config.security(), () -> metrics[0].refused("auth"));
        TopicRoutes topics = new TopicRoutes(opened, auth, topic -> {
            admission.forget(topic);
            metrics[0].forget(topic);
        });
        routes = new Routes(auth, metrics[0], topics, new RecordRoutes(opened, auth, admission, config, metrics[0],
                signals), new SubscribeRoutes(opened, auth, signals, closing::get),
                new PipelineRoutes(opened, auth, admission, config.limits()));
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
        cfg.http.maxRequestSize = config.limits().maxBodyBytes();
        cfg.http.asyncTimeout = 0;
        cfg.http.prefer405over404 = true;
        cfg.jetty.modifyHttpConfiguration(h -> {
            h.setRequestHeaderSize(config.limits().maxHeaderBytes());
            h.setSendServerVersion(false);
        });
        cfg.jetty.addConnector(this::connector);
        if (config.limits().minDataRate() > 0) {
            long rate = config.limits().minDataRate();
            cfg.jetty.modifyServletContextHandler(h -> h.insertHandler(new MinimumDataRateHandler(rate, rate)));
        }
        cfg.jetty.modifyServer(s -> {
            s.addBean(new NetworkConnectionLimit(config.limits().maxConnections(), s));
            s.setErrorHandler(new Problems.JettyErrors(config.limits().maxHeaderBytes()));
        });
        Problems.addTo(cfg.routes);
        new HealthRoutes(this::logState, this::pipelines).addTo(cfg.routes);
        cfg.routes.before("/v1/*", this::admit);
        cfg.routes.after("/v1/*", ctx -> {
            if (ctx.attribute("faucet.counted") != null) {
                inFlight.decrementAndGet();
            }
        });
        getAndHead(cfg, "/metrics", ctx -> {
            Routes r = ready();
            r.auth().authenticate(ctx); // with tokens, any known token may read metrics
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(r.metrics().scrape());
        });
        routes(cfg);
    }

    /**
     * The /v1 routes. Every GET also answers HEAD by running the GET handler (Jetty sends no body), so HEAD gives
     * GET's status and headers; Javalin's default would answer 200 without running it. OPTIONS answers 204 with
     * {@code Allow}; there are no CORS headers, so browsers refuse cross-origin calls.
     */
    private void routes(JavalinConfig cfg) {
        cfg.routes.post("/v1/topics", ctx -> ready().topics().create(ctx));
        getAndHead(cfg, "/v1/topics", ctx -> ready().topics().list(ctx));
        options(cfg, "/v1/topics", "GET, HEAD, POST, OPTIONS");
        getAndHead(cfg, "/v1/topics/{topic}", ctx -> ready().topics().describe(ctx));
        cfg.routes.delete("/v1/topics/{topic}", ctx -> ready().topics().delete(ctx));
        options(cfg, "/v1/topics/{topic}", "GET, HEAD, DELETE, OPTIONS");
        cfg.routes.post("/v1/topics/{topic}/records", ctx -> ready().records().publish(ctx));
        getAndHead(cfg, "/v1/topics/{topic}/records", ctx -> ready().records().read(ctx));
        options(cfg, "/v1/topics/{topic}/records", "GET, HEAD, POST, OPTIONS");
        cfg.routes.get("/v1/topics/{topic}/subscribe", ctx -> ready().subscriptions().subscribe(ctx));
        cfg.routes.head("/v1/topics/{topic}/subscribe", ctx -> ready().subscriptions().check(ctx));
        options(cfg, "/v1/topics/{topic}/subscribe", "GET, HEAD, OPTIONS");
        pipelineRoutes(cfg);
    }

    private void pipelineRoutes(JavalinConfig cfg) {
        cfg.routes.post("/v1/pipelines", ctx -> ready().pipelines().deploy(ctx));
        getAndHead(cfg, "/v1/pipelines", ctx -> ready().pipelines().list(ctx));
        options(cfg, "/v1/pipelines", "GET, HEAD, POST, OPTIONS");
        getAndHead(cfg, "/v1/pipelines/{pipeline}", ctx -> ready().pipelines().status(ctx));
        cfg.routes.delete("/v1/pipelines/{pipeline}", ctx -> ready().pipelines().delete(ctx));
        options(cfg, "/v1/pipelines/{pipeline}", "GET, HEAD, DELETE, OPTIONS");
        getAndHead(cfg, "/v1/pipelines/{pipeline}/definition", ctx -> ready().pipelines().definition(ctx));
        options(cfg, "/v1/pipelines/{pipeline}/definition", "GET, HEAD, OPTIONS");
        cfg.routes.post("/v1/pipelines/{pipeline}/pause", ctx -> ready().pipelines().pause(ctx));
        options(cfg, "/v1/pipelines/{pipeline}/pause", "POST, OPTIONS");
        cfg.routes.post("/v1/pipelines/{pipeline}/resume", ctx -> ready().pipelines().resume(ctx));
        options(cfg, "/v1/pipelines/{pipeline}/resume", "POST, OPTIONS");
        getAndHead(cfg, "/v1/sources", ctx -> ready().pipelines().sources(ctx));
        options(cfg, "/v1/sources", "GET, HEAD, OPTIONS");
    }

    private static void getAndHead(JavalinConfig cfg, String path, io.javalin.http.Handler handler) {
        cfg.routes.get(path, handler);
        cfg.routes.head(path, handler);
    }

    private static void options(JavalinConfig cfg, String path, String allow) {
        cfg.routes.options(path, ctx -> ctx.status(204).header("Allow", allow));
    }

    private ServerConnector connector(Server server, HttpConfiguration httpConfig) {
        HttpConnectionFactory http11 = new HttpConnectionFactory(httpConfig);
        ServerConnector c;
        Security.Tls tls = config.security().tls();
        if (tls == null) {
            c = new ServerConnector(server, http11);
        } else {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tls.keystore().toString());
            ssl.setKeyStoreType("PKCS12");
            ssl.setKeyStorePassword(tls.password());
            c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), http11);
        }
        c.setHost(config.bind());
        c.setPort(config.port());
        c.setIdleTimeout(config.limits().idleTimeout().toMillis());
        return c;
    }

    /** Before every /v1 call: not while starting or stopping, and only with a known token. */
    private void admit(io.javalin.http.Context ctx) {
        if (closing.get()) {
            throw new ApiException(503, "shutting-down", "the server is shutting down; retry on its next start",
                    java.util.List.of(), java.util.Map.of("Retry-After", "5", "Connection", "close"));
        }
        Routes r = ready();
        inFlight.incrementAndGet();
        ctx.attribute("faucet.counted", Boolean.TRUE);
        r.auth().authenticate(ctx);
    }

    private Routes ready() {
        Routes r = routes;
        if (r == null) {
            throw new ApiException(503, "not-ready", "the server is recovering its log; retry shortly",
                    java.util.List.of(), java.util.Map.of("Retry-After", "1"));
        }
        return r;
    }

    /** The log's state, or null while it is being recovered (and the pipelines of --pipelines deployed). */
    private LogState logState() {
        PipelineRuntime current = runtime;
        return current == null || routes == null ? null : current.state();
    }

    /**
     * The deployed pipelines for readiness: none while the log recovers or the server starts, and none for a runtime
     * that runs no pipelines (the benchmarks' no-op runtime).
     */
    private List<PipelineStatus> pipelines() {
        PipelineRuntime current = runtime;
        if (current == null || routes == null) {
            return List.of();
        }
        try {
            return current.pipelines();
        } catch (UnsupportedOperationException noPipelines) {
            return List.of();
        }
    }

    /** The TCP port the server listens on: the configured one, or the one picked for port 0. */
    public int port() {
        return http.port();
    }

    /** The runtime behind the server (null until it is open). */
    public PipelineRuntime runtime() {
        return runtime;
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
            drain();
            http.stop();
        } finally {
            try {
                closeRuntime();
            } finally {
                removePortFile();
                closed.countDown();
            }
        }
        if (servingUri != null) {
            LOG.info("stopped serving {}", servingUri);
        }
    }

    /** Lets requests in flight finish (their commits are answered), up to {@value #DRAIN_MS} ms; new ones get 503. */
    private void drain() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void closeRuntime() {
        PipelineRuntime current = runtime;
        if (current != null) {
            current.close();
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
