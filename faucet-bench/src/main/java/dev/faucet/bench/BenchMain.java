package dev.faucet.bench;

import dev.faucet.bench.http.HttpBench;
import dev.faucet.bench.pipeline.PipelineBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.openjdk.jmh.Main;

/**
 * The benchmarks: {@code disk}, {@code log-append}, {@code log-read}, {@code log-recovery}, {@code all}, and
 * {@code jmh} (the JMH benchmarks, JMH's own options follow). Every log command first measures the machine baseline
 * in the same run and prints the log's figures next to it. {@code http}, {@code http-server} and {@code http-load}
 * are the HTTP ingest benchmark ({@link HttpBench}), whose baseline is the same server without the log. See
 * {@code docs/benchmarks.md}.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("pipeline")) {
            try {
                PipelineBench.run(List.of(args).subList(1, args.length));
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.err.println(PipelineBench.USAGE);
                System.exit(2);
            }
            return;
        }
        if (args.length > 0 && args[0].equals("sinks")) {
            try {
                dev.faucet.bench.sink.SinkBench.run(List.of(args).subList(1, args.length));
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.err.println(dev.faucet.bench.sink.SinkBench.USAGE);
                System.exit(2);
            }
            return;
        }
        if (args.length > 0 && HttpBench.COMMANDS.contains(args[0])) {
            try {
                HttpBench.run(args[0], List.of(args).subList(1, args.length));
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.err.println(HttpBench.usage());
                System.exit(2);
            }
            return;
        }
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (o.command().equals("jmh")) {
            Main.main(o.rest().toArray(String[]::new));
            return;
        }
        if (!List.of("disk", "log-append", "log-read", "log-recovery", "all").contains(o.command())) {
            System.err.println("unknown command " + o.command());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
        }
        run(o);
    }

    private static void run(BenchOptions o) throws IOException, InterruptedException {
        System.out.printf("faucet-bench %s at %s; %d CPUs; Java %s; load average %s%n", o.command(),
                LocalDateTime.now().withNano(0), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadAverage());
        try (BenchDir dir = new BenchDir(o)) {
            System.out.println("data in " + dir.root());
            CpuMeter.awaitQuiet(o.settleSeconds());
            DiskBaseline.Baseline baseline = DiskBaseline.measure(dir.fresh("disk"), 3);
            baseline.print();
            String c = o.command();
            List<AppendResult> appends = c.equals("log-append") || c.equals("all")
                    ? AppendBench.runMatrix(o, dir, baseline) : List.of();
            boolean read = c.equals("log-read") || c.equals("all");
            boolean recover = c.equals("log-recovery") || c.equals("all");
            ReadBench.Result reads = read ? ReadBench.repeat(o, dir, baseline) : null;
            RecoveryBench.Result recovery = recover ? RecoveryBench.repeat(o, dir) : null;
            Targets.print(appends, reads, recovery);
        }
    }

    private static String loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg"));
            return String.join(" ", List.of(s.trim().split("\\s+")).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
