package dev.faucet.bench.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code http} command runs: for each repetition, each runtime in turn (the no-op baseline first), a
 * server process and, against it, load generator processes for each mode at the maximum and then at
 * {@code fraction} of it.
 *
 * @param serverWarmup load of each mode the server gets before that mode is measured, so the JIT compiler has
 *     compiled the server's hot paths (on 2 cores its compiler threads take a good part of a core for a while)
 * @param serverJvm extra JVM flags for the server process (e.g. a JFR recording), split on spaces
 * @param fraction the share of the measured maximum offered open-loop for the latency figures
 * @param settleSeconds before each server start and each load, wait up to this long for the machine to be quiet
 * @param retries how often a measurement is taken again when other users' work took more than
 *     {@link HttpReport#BUSY_CORES} during it
 * @param dir where the durable log goes; {@code null} for a fresh directory under {@code ./target/bench}
 */
record RunConfig(List<String> runtimes, List<LoadConfig.Mode> modes, int singleConnections, int batchConnections,
        int batch, int recordBytes, int partitions, Duration serverWarmup, Duration warmup, Duration duration,
        int repeat, double fraction,
        int settleSeconds, int retries, Path dir, boolean keep, String heap, List<String> serverJvm) {

    static final String USAGE = """
            usage: BenchMain http [options]
              --runtimes L            noop,durable: the baseline first (noop,durable); also noop-async (the
                                      baseline completing on a thread of its own) and durable-nofsync (the
                                      log with a fsync: never topic), to see what the hand-off and fsync cost
              --modes L               single,batch (single,batch)
              --single-connections N  connections for single-record requests (64)
              --batch-connections N   connections for batch requests (8)
              --batch N               records per batch request (1000)
              --record-bytes N        bytes per record value (200)
              --partitions N          partitions of the topic (1)
              --server-warmup D       load of each mode the server gets before that mode is measured (30s)
              --warmup D              load before each measurement (5s)
              --duration D            each measurement (20s)
              --repeat N              whole runs, medians printed (1)
              --fraction F            open-loop rate for latency, as a share of the measured max (0.5)
              --settle N              before each server start and load wait up to N s for a quiet machine (0)
              --retry-busy N          measure again, up to N times, when other work took > 0.25 cores (0)
              --heap SIZE             the server's fixed heap, -Xms and -Xmx (1g)
              --server-jvm "FLAGS"    more JVM flags for the server, e.g. a JFR recording
              --dir PATH              data directory (default: fresh dir under ./target/bench, deleted afterwards)
              --keep                  keep the data directory""";

    /** What {@code --runtimes} takes: the server's runtime, and for {@code durable-nofsync} a fsync: never topic. */
    static final List<String> RUNTIMES = List.of("noop", "noop-async", "durable", "durable-nofsync");

    static RunConfig parse(List<String> args) {
        Flags f = Flags.parse("http", args, List.of("keep"));
        List<LoadConfig.Mode> modes = new ArrayList<>();
        for (String m : f.list("modes", "single,batch")) {
            modes.add(LoadConfig.Mode.parse(m));
        }
        modes.sort(null);
        List<String> runtimes = f.list("runtimes", "noop,durable");
        for (String r : runtimes) {
            if (!RUNTIMES.contains(r)) {
                throw new IllegalArgumentException("http: --runtimes takes " + RUNTIMES + ", not '" + r + "'");
            }
        }
        String dir = f.string("dir", null);
        String serverJvm = f.string("server-jvm", "").trim();
        RunConfig c = new RunConfig(runtimes, modes, f.integer("single-connections", 64),
                f.integer("batch-connections", 8), f.integer("batch", 1000), f.integer("record-bytes", 200),
                f.integer("partitions", 1), f.duration("server-warmup", Duration.ofSeconds(30)),
                f.duration("warmup", Duration.ofSeconds(5)),
                f.duration("duration", Duration.ofSeconds(20)), f.integer("repeat", 1),
                Double.parseDouble(f.string("fraction", "0.5")), f.integer("settle", 0), f.integer("retry-busy", 0),
                dir == null ? null : Path.of(dir), f.present("keep"), f.string("heap", "1g"),
                serverJvm.isEmpty() ? List.of() : List.of(serverJvm.split("\\s+")));
        f.done();
        if (c.fraction() <= 0 || c.fraction() > 1 || c.repeat() < 1) {
            throw new IllegalArgumentException("http: --fraction is in (0, 1] and --repeat at least 1");
        }
        return c;
    }

    int connections(LoadConfig.Mode mode) {
        return mode == LoadConfig.Mode.SINGLE ? singleConnections : batchConnections;
    }

    /** The load of one measurement against {@code runtime}: {@code rate} 0 is the closed-loop maximum. */
    LoadConfig load(String runtime, java.net.URI url, long serverPid, LoadConfig.Mode mode, double rate) {
        return new LoadConfig(url, "bench", partitions, fsync(runtime), mode, connections(mode), warmup, duration,
                rate, batch, recordBytes, serverPid);
    }

    /** The {@code --runtime} of {@code http-server} for one of {@link #RUNTIMES}. */
    static String serverRuntime(String runtime) {
        return runtime.equals("durable-nofsync") ? "durable" : runtime;
    }

    static String fsync(String runtime) {
        return runtime.equals("durable-nofsync") ? "never" : "always";
    }

    /** A closed-loop load of {@code serverWarmup}, not measured: it warms a fresh server up. */
    LoadConfig serverWarmupLoad(String runtime, java.net.URI url, LoadConfig.Mode mode) {
        return new LoadConfig(url, "bench", partitions, fsync(runtime), mode, connections(mode), Duration.ZERO,
                serverWarmup, 0, batch, recordBytes, -1);
    }

    /** The server's JVM flags: a fixed heap, the launcher's flags, then any extra ones. */
    List<String> serverFlags() {
        List<String> flags = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
        flags.addAll(ChildJvm.launcherFlags());
        flags.addAll(serverJvm);
        return flags;
    }
}
