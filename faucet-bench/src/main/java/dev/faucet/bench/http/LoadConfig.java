package dev.faucet.bench.http;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one {@code http-load} run does.
 *
 * @param url the server's base address, e.g. {@code http://127.0.0.1:8080}
 * @param partitions partitions of the topic, created unless it exists
 * @param fsync the topic's fsync policy when it is created: {@code always} (durable) or {@code never}
 * @param batch records per request in batch mode
 * @param rate requests per second over all connections (open loop), or 0 for as fast as answers come (closed loop)
 * @param serverPid the server's process id, to report its CPU; -1 if unknown
 */
record LoadConfig(URI url, String topic, int partitions, String fsync, Mode mode, int connections, Duration warmup,
        Duration duration, double rate, int batch, int recordBytes, long serverPid) {

    static final String USAGE = """
            usage: BenchMain http-load --url http://127.0.0.1:PORT [options]
              --mode single|batch   one application/json record per request, or --batch records as NDJSON (single)
              --connections N       threads, each with its own keep-alive connection (64)
              --duration D          measured time, e.g. 20s (20s)
              --warmup D            load before measuring (5s)
              --rate R|max          requests/s over all connections, open loop; max: closed loop (max)
              --batch N             records per request in batch mode (1000)
              --record-bytes N      bytes per record value (200)
              --topic NAME          topic, created if missing (bench)
              --partitions N        partitions when creating it (1)
              --fsync always|never  the topic's fsync policy when creating it (always)
              --server-pid PID      report the server process's CPU too""";

    /** One record per request ({@code application/json}), or a batch of them ({@code application/x-ndjson}). */
    enum Mode {
        SINGLE, BATCH;

        static Mode parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "single" -> SINGLE;
                case "batch" -> BATCH;
                default -> throw new IllegalArgumentException("--mode takes single or batch, not '" + s + "'");
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    LoadConfig {
        if (!"http".equals(url.getScheme()) || url.getHost() == null || url.getPort() < 0) {
            throw new IllegalArgumentException("--url takes http://HOST:PORT, not " + url);
        }
        if (!fsync.equals("always") && !fsync.equals("never")) {
            throw new IllegalArgumentException("--fsync takes always or never, not '" + fsync + "'");
        }
        if (connections < 1 || batch < 1 || partitions < 1 || rate < 0) {
            throw new IllegalArgumentException("--connections, --batch and --partitions must be positive, --rate a"
                    + " positive number or max");
        }
    }

    static LoadConfig parse(List<String> args) {
        Flags f = Flags.parse("http-load", args, List.of());
        String url = f.string("url", null);
        if (url == null) {
            throw new IllegalArgumentException("http-load: --url is required");
        }
        String rate = f.string("rate", "max");
        LoadConfig c = new LoadConfig(URI.create(url), f.string("topic", "bench"), f.integer("partitions", 1),
                f.string("fsync", "always"), Mode.parse(f.string("mode", "single")), f.integer("connections", 64),
                f.duration("warmup", Duration.ofSeconds(5)), f.duration("duration", Duration.ofSeconds(20)),
                rate.equalsIgnoreCase("max") ? 0 : Double.parseDouble(rate), f.integer("batch", 1000),
                f.integer("record-bytes", 200), Long.parseLong(f.string("server-pid", "-1")));
        f.done();
        return c;
    }

    int recordsPerRequest() {
        return mode == Mode.SINGLE ? 1 : batch;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(url.getHost(), url.getPort());
    }

    String hostPort() {
        return url.getHost() + ":" + url.getPort();
    }

    /** The request every connection sends. */
    byte[] request() {
        return mode == Mode.SINGLE ? Requests.single(hostPort(), topic, recordBytes)
                : Requests.batch(hostPort(), topic, batch, recordBytes);
    }

    /** The command-line arguments that give this configuration (for a child process). */
    List<String> toArgs() {
        return List.of("--url", url.toString(), "--topic", topic, "--partitions", Integer.toString(partitions),
                "--fsync", fsync, "--mode", mode.label(), "--connections", Integer.toString(connections), "--warmup",
                warmup.toMillis() + "ms", "--duration", duration.toMillis() + "ms", "--rate",
                rate == 0 ? "max" : String.format(Locale.ROOT, "%.1f", rate), "--batch", Integer.toString(batch),
                "--record-bytes", Integer.toString(recordBytes), "--server-pid", Long.toString(serverPid));
    }
}
