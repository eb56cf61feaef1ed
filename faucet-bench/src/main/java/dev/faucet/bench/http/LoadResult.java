package dev.faucet.bench.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one {@code http-load} run over its measured window. The load generator prints them as one
 * {@code RESULT key=value ...} line, which the {@code http} command reads back from its child.
 *
 * @param rate the requests per second asked for (open loop), 0 for closed loop
 * @param requests requests answered 200 within the window
 * @param p50Ms latency percentiles of 200 answers: from the send (closed loop) or the due time (open loop)
 * @param errors non-200 answers by status, I/O errors ({@code io}, {@code timeout}) and wrong answers
 * @param cpu cores used by the server, the load generator, the kernel and the machine over the window
 */
record LoadResult(String mode, int connections, double rate, double seconds, long requests, long records,
        double p50Ms, double p99Ms, double p999Ms, double maxMs, Map<String, Long> errors, ProcCpu.Usage cpu) {
    static final String PREFIX = "RESULT ";

    LoadResult {
        errors = Map.copyOf(errors);
    }

    double requestsPerSecond() {
        return requests / seconds;
    }

    double recordsPerSecond() {
        return records / seconds;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    String errorText() {
        return errors.isEmpty() ? "none" : new TreeMap<>(errors).toString().replace(" ", "");
    }

    String line() {
        return PREFIX + String.format(Locale.ROOT, "mode=%s connections=%d rate=%.1f seconds=%.3f requests=%d"
                + " records=%d p50=%.3f p99=%.3f p999=%.3f max=%.3f serverCpu=%.2f clientCpu=%.2f kernelCpu=%.2f"
                + " machineCpu=%.2f errors=%s", mode, connections, rate, seconds, requests, records, p50Ms, p99Ms,
                p999Ms, maxMs, cpu.server(), cpu.client(), cpu.kernel(), cpu.machine(), errorText());
    }

    static LoadResult parse(String line) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String kv : line.substring(PREFIX.length()).trim().split(" ")) {
            int eq = kv.indexOf('=');
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Map<String, Long> errors = new TreeMap<>();
        String e = f.get("errors");
        if (!e.equals("none")) {
            for (String kv : e.substring(1, e.length() - 1).split(",")) {
                int eq = kv.indexOf('=');
                errors.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            }
        }
        return new LoadResult(f.get("mode"), Integer.parseInt(f.get("connections")), d(f, "rate"), d(f, "seconds"),
                Long.parseLong(f.get("requests")), Long.parseLong(f.get("records")), d(f, "p50"), d(f, "p99"),
                d(f, "p999"), d(f, "max"), errors, new ProcCpu.Usage(d(f, "serverCpu"), d(f, "clientCpu"),
                d(f, "kernelCpu"), d(f, "machineCpu")));
    }

    private static double d(Map<String, String> f, String key) {
        return Double.parseDouble(f.get(key));
    }
}
