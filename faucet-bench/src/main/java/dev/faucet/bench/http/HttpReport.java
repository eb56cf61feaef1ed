package dev.faucet.bench.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Prints the HTTP ingest figures as Markdown tables (one per run, then the medians over runs), the durable/no-op
 * ratios of each run, and the targets, said plainly as met or not.
 */
final class HttpReport {
    /** Durable single-record publishes against the no-op baseline of the same run. */
    static final double SINGLE_RATIO = 0.80;
    static final double BATCH_RECORDS_PER_SECOND = 600_000;
    /** Acknowledgement p99 at the fraction (half) of the maximum. */
    static final double P99_MS = 10;

    private static final String HEADER = """
            | runtime | mode | conns | max req/s | max records/s | p99 at max ms | offered req/s | req/s | p50 ms \
            | p99 ms | p99.9 ms | server CPU | load CPU | kernel CPU | others CPU | errors |
            |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|""";

    /** A row whose measurement shared the machine with more than this many cores of other work is marked. */
    static final double BUSY_CORES = 0.25;

    private HttpReport() {
    }

    static void printRound(RunConfig c, int round, List<HttpRun.Measured> measured) {
        System.out.printf("%nRun %d of %d (CPU in cores of %d, during the max run; (busy): other work took more than"
                + " %.2f cores in the max or the %.0f%% run):%n%n%s%n", round, c.repeat(),
                Runtime.getRuntime().availableProcessors(), BUSY_CORES, c.fraction() * 100, HEADER);
        measured.forEach(m -> System.out.println(row(m)));
        printRatios(List.of(measured));
    }

    static void printSummary(RunConfig c, List<List<HttpRun.Measured>> rounds) {
        List<HttpRun.Measured> medians = new ArrayList<>();
        for (HttpRun.Measured first : rounds.get(0)) {
            List<HttpRun.Measured> same = new ArrayList<>();
            rounds.forEach(r -> r.stream().filter(m -> m.runtime().equals(first.runtime())
                    && m.mode() == first.mode()).forEach(same::add));
            medians.add(median(same));
        }
        System.out.printf("%nHTTP ingest, median of %d run(s):%n%n%s%n", rounds.size(), HEADER);
        medians.forEach(m -> System.out.println(row(m)));
        printRatios(rounds);
        printTargets(c, rounds, medians);
    }

    private static String row(HttpRun.Measured m) {
        LoadResult x = m.max();
        LoadResult p = m.part();
        String part = p == null ? "| - | - | - | - | - " : String.format(Locale.ROOT,
                "| %,.0f | %,.0f | %.2f | %.2f | %.2f ", p.rate(), p.requestsPerSecond(), p.p50Ms(), p.p99Ms(),
                p.p999Ms());
        String errors = x.errorText() + (p == null ? "" : " / " + p.errorText());
        boolean busy = x.cpu().others() > BUSY_CORES || p != null && p.cpu().others() > BUSY_CORES;
        return String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %,.0f | %.2f ", m.runtime(), m.mode().label(),
                x.connections(), x.requestsPerSecond(), x.recordsPerSecond(), x.p99Ms()) + part
                + String.format(Locale.ROOT, "| %.2f | %.2f | %.2f | %.2f%s | %s |", x.cpu().server(),
                x.cpu().client(), x.cpu().kernel(), x.cpu().others(), busy ? " (busy)" : "", errors);
    }

    /** Each runtime's max over the no-op max, per run: the comparison the issue asks for is within one run. */
    private static void printRatios(List<List<HttpRun.Measured>> rounds) {
        for (String runtime : RunConfig.RUNTIMES) {
            for (LoadConfig.Mode mode : LoadConfig.Mode.values()) {
                double[] ratios = ratios(rounds, runtime, mode);
                if (!runtime.equals("noop") && ratios.length > 0) {
                    System.out.printf(Locale.ROOT, "%s / noop, %s, max requests/s: %.2f%s%n", runtime, mode.label(),
                            median(ratios), ratios.length > 1 ? " (median of runs: " + fixed(ratios) + ")" : "");
                }
            }
        }
    }

    private static double[] ratios(List<List<HttpRun.Measured>> rounds, String runtime, LoadConfig.Mode mode) {
        List<Double> out = new ArrayList<>();
        for (List<HttpRun.Measured> r : rounds) {
            HttpRun.Measured noop = find(r, "noop", mode);
            HttpRun.Measured other = find(r, runtime, mode);
            if (noop != null && other != null && noop.max().requests() > 0) {
                out.add(other.max().requestsPerSecond() / noop.max().requestsPerSecond());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void printTargets(RunConfig c, List<List<HttpRun.Measured>> rounds, List<HttpRun.Measured> med) {
        System.out.printf("%nTargets (medians):%n");
        double[] single = ratios(rounds, "durable", LoadConfig.Mode.SINGLE);
        if (single.length > 0) {
            verdict(median(single) >= SINGLE_RATIO, String.format(Locale.ROOT, "durable single-record publishes at"
                    + " %.0f%% of the no-op baseline of the same run (target >= %.0f%%)", median(single) * 100,
                    SINGLE_RATIO * 100));
        }
        HttpRun.Measured batch = find(med, "durable", LoadConfig.Mode.BATCH);
        if (batch != null) {
            verdict(batch.max().recordsPerSecond() >= BATCH_RECORDS_PER_SECOND, String.format(Locale.ROOT,
                    "durable batches of %d: %,.0f records/s (target >= %,.0f)", c.batch(),
                    batch.max().recordsPerSecond(), BATCH_RECORDS_PER_SECOND));
        }
        for (LoadConfig.Mode mode : LoadConfig.Mode.values()) {
            HttpRun.Measured d = find(med, "durable", mode);
            if (d != null && d.part() != null) {
                verdict(d.part().p99Ms() <= P99_MS, String.format(Locale.ROOT, "durable %s: p99 %.2f ms at %,.0f"
                        + " requests/s, %.0f%% of its max (target <= %.0f ms)", mode.label(), d.part().p99Ms(),
                        d.part().rate(), c.fraction() * 100, P99_MS));
            }
        }
    }

    private static void verdict(boolean met, String what) {
        System.out.printf("  %-8s %s%n", met ? "MET" : "NOT MET", what);
    }

    private static HttpRun.Measured find(List<HttpRun.Measured> ms, String runtime, LoadConfig.Mode mode) {
        return ms.stream().filter(m -> m.runtime().equals(runtime) && m.mode() == mode).findFirst().orElse(null);
    }

    /** Each figure's median over the runs (so one row may mix runs). */
    private static HttpRun.Measured median(List<HttpRun.Measured> runs) {
        HttpRun.Measured first = runs.get(0);
        List<LoadResult> parts = runs.stream().map(HttpRun.Measured::part).filter(p -> p != null).toList();
        return new HttpRun.Measured(first.runtime(), first.mode(),
                medianResult(runs.stream().map(HttpRun.Measured::max).toList()), parts.isEmpty() ? null
                        : medianResult(parts));
    }

    private static LoadResult medianResult(List<LoadResult> rs) {
        LoadResult f = rs.get(0);
        Map<String, Long> errors = new TreeMap<>();
        rs.forEach(r -> r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
        double seconds = f.seconds();
        return new LoadResult(f.mode(), f.connections(), m(rs, LoadResult::rate), seconds,
                Math.round(m(rs, LoadResult::requestsPerSecond) * seconds),
                Math.round(m(rs, LoadResult::recordsPerSecond) * seconds), m(rs, LoadResult::p50Ms),
                m(rs, LoadResult::p99Ms), m(rs, LoadResult::p999Ms), m(rs, LoadResult::maxMs), errors,
                new ProcCpu.Usage(m(rs, r -> r.cpu().server()), m(rs, r -> r.cpu().client()),
                        m(rs, r -> r.cpu().kernel()), m(rs, r -> r.cpu().machine())));
    }

    /** The median of the known values (-1 is unknown), or -1 if none is known. */
    private static double m(List<LoadResult> rs, ToDoubleFunction<LoadResult> f) {
        double[] known = rs.stream().mapToDouble(f).filter(v -> v >= 0).toArray();
        return known.length == 0 ? -1 : median(known);
    }

    static double median(double... values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fixed(double[] values) {
        List<String> s = new ArrayList<>();
        for (double v : values) {
            s.add(String.format(Locale.ROOT, "%.2f", v));
        }
        return String.join(", ", s);
    }
}
