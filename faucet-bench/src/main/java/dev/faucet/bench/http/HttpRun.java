package dev.faucet.bench.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code http}: the whole HTTP ingest benchmark in one command. For each repetition and each runtime (the no-op
 * baseline first, then the durable log), it starts a server process ({@link BenchServer}) and, one after the other,
 * load generator processes ({@link LoadGenerator}) for each mode: a warm-up, closed loop for the maximum, then open
 * loop at a fraction of that maximum for latency. The single-record mode goes first, so its figures are not taken
 * while the kernel writes back the gigabytes a batch run leaves dirty. With {@code --settle}, each server and each
 * load waits for a quiet machine first (the idle server does not count). Every process it starts is ended before
 * the next server starts, and all of them when the run ends or is interrupted. Only loopback is used.
 */
final class HttpRun {
    private static final List<String> LOAD_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC");
    private static final long SERVER_START_MS = 120_000;
    private static final long LOAD_GRACE_MS = 120_000;

    /** One runtime and mode of one repetition: the maximum and the latency run at a fraction of it. */
    record Measured(String runtime, LoadConfig.Mode mode, LoadResult max, LoadResult part) {
    }

    private HttpRun() {
    }

    static void main(List<String> args) throws IOException, InterruptedException {
        RunConfig c = RunConfig.parse(args);
        System.out.printf("faucet-bench http at %s; %d CPUs; Java %s; load average %s%n",
                LocalDateTime.now().withNano(0), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ProcCpu.loadAverage());
        System.out.printf("server JVM %s; load generator JVM %s; %d+%d connections, batches of %d x %d-byte records,"
                + " %d partition(s); server warm-up %d s per mode, then %d s warm-up and %d s measured per load;"
                + " latency at %.0f%% of max%n", c.serverFlags(), LOAD_FLAGS, c.singleConnections(),
                c.batchConnections(), c.batch(), c.recordBytes(), c.partitions(), c.serverWarmup().toSeconds(),
                c.warmup().toSeconds(), c.duration().toSeconds(), c.fraction() * 100);
        Path base = c.dir() != null ? c.dir() : Path.of("target", "bench");
        Files.createDirectories(base);
        Path root = Files.createTempDirectory(base.toAbsolutePath(), "http-");
        List<List<Measured>> rounds = new ArrayList<>();
        try {
            for (int i = 1; i <= c.repeat(); i++) {
                List<Measured> round = new ArrayList<>();
                for (String runtime : c.runtimes()) {
                    round.addAll(runServer(c, runtime, root.resolve(runtime + "-" + i), i));
                }
                rounds.add(round);
                HttpReport.printRound(c, i, round);
            }
        } finally {
            if (!c.keep()) {
                deleteTree(root);
            }
        }
        HttpReport.printSummary(c, rounds);
    }

    private static List<Measured> runServer(RunConfig c, String runtime, Path data, int round)
            throws IOException, InterruptedException {
        ProcCpu.awaitQuiet(c.settleSeconds());
        System.out.printf("%n[run %d] %s server (data in %s), load average %s%n", round, runtime, data,
                ProcCpu.loadAverage());
        List<Measured> out = new ArrayList<>();
        try (ChildJvm server = ChildJvm.start("server", c.serverFlags(), "http-server",
                List.of("--runtime", RunConfig.serverRuntime(runtime), "--data", data.toString(), "--port", "0",
                        "--stdin"))) {
            String port = server.awaitLine(BenchServer.PORT, SERVER_START_MS).split(" ")[1];
            URI url = URI.create("http://127.0.0.1:" + port);
            for (LoadConfig.Mode mode : c.modes()) {
                if (!c.serverWarmup().isZero()) {
                    System.out.printf("  warming the server up: %d s of %s, not measured%n",
                            c.serverWarmup().toSeconds(), mode.label());
                    loadOnce(c.serverWarmupLoad(runtime, url, mode));
                }
                LoadResult max = load(c, c.load(runtime, url, server.pid(), mode, 0));
                LoadResult part = max.requests() == 0 ? null : load(c, c.load(runtime, url, server.pid(), mode,
                        max.requestsPerSecond() * c.fraction()));
                out.add(new Measured(runtime, mode, max, part));
            }
        } finally {
            if (!c.keep()) {
                deleteTree(data);
            }
        }
        return out;
    }

    /** Runs one load; again, up to {@code --retry-busy} times, while other users' work disturbed it. */
    private static LoadResult load(RunConfig c, LoadConfig load) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            ProcCpu.awaitQuiet(c.settleSeconds());
            LoadResult r = loadOnce(load);
            if (r.cpu().others() <= HttpReport.BUSY_CORES || attempt >= c.retries()) {
                return r;
            }
            System.out.printf("    (other work took %.2f cores during that measurement: measuring again)%n",
                    r.cpu().others());
        }
    }

    private static LoadResult loadOnce(LoadConfig load) throws IOException, InterruptedException {
        long timeoutMs = load.warmup().toMillis() + load.duration().toMillis() + LOAD_GRACE_MS;
        try (ChildJvm child = ChildJvm.start("load", LOAD_FLAGS, "http-load", load.toArgs())) {
            LoadResult r = LoadResult.parse(child.awaitLine(LoadResult.PREFIX, timeoutMs));
            child.awaitExit(10_000);
            return r;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
