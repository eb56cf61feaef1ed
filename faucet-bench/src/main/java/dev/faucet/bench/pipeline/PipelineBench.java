package dev.faucet.bench.pipeline;

import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.OnMissing;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The pipeline benchmark of issue 4, in one process on the embedded runtime (durable topics, fsync always):
 *
 * <ol>
 *   <li>Throughput from a preloaded backlog: {@code --records} 200-byte JSON orders in {@code orders}
 *       ({@code --partitions}), 10,000 customers in the compacted {@code customers}. Each configuration deploys a
 *       fresh pipeline (a fresh group, from offset 0) and is timed until its lag is 0. The baseline, in the same
 *       run, is a no-op pipeline: it reads and commits its position and writes nothing. The step ladder adds P1's
 *       steps one at a time (exactly-once), so the difference between rungs is a step's cost; then P1 under each
 *       guarantee.</li>
 *   <li>End-to-end latency of P1 with exactly-once: an open-loop generator publishes at a fixed rate (each record
 *       due at a fixed time, its due time in the record; latency runs from the due time, so a stall is charged to
 *       every record it delays), a reader follows the output topics and records publish-to-visible-output latency in
 *       HdrHistogram. At {@code --rate} (20,000/s) and at half of the measured P1 maximum.</li>
 * </ol>
 */
public final class PipelineBench {
    private static final String SCHEMA = """
            {"type":"object","required":["orderId","customerId","amount","currency"],
             "properties":{"orderId":{"type":"string"},"customerId":{"type":"string"},
               "amount":{"type":"number","minimum":0},"currency":{"type":"string","enum":["EUR","USD","GBP"]},
               "items":{"type":"integer","minimum":1}}}""";
    private static final String[] TIERS = {"gold", "silver", "standard", "standard"};
    private static final String[] COUNTRIES = {"US", "DE", "FR", "GB", "NL", "US"};

    private final int records;
    private final int partitions;
    private final int customers;
    private final int repeat;
    private final double rate;
    private final int seconds;
    private final Path root;
    private final String configFilter;

    private PipelineBench(Map<String, String> o) throws IOException {
        records = Integer.parseInt(o.getOrDefault("records", "1000000"));
        partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
        customers = Integer.parseInt(o.getOrDefault("customers", "10000"));
        repeat = Integer.parseInt(o.getOrDefault("repeat", "3"));
        rate = Double.parseDouble(o.getOrDefault("rate", "20000"));
        seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
        configFilter = o.getOrDefault("configs", "");
        root = Files.createDirectories(Path.of(o.getOrDefault("dir", "target/bench")))
                .resolve("pipeline-" + System.nanoTime());
    }

    public static final String USAGE = "pipeline [--records N] [--partitions P] [--customers C] [--repeat R]"
            + " [--rate EVENTS_PER_S] [--seconds S] [--dir DIR] [--only throughput|latency] [--configs SUBSTRING]";

    public static void run(List<String> args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("bad option " + a);
            }
            o.put(a.substring(2), args.get(++i));
        }
        PipelineBench b = new PipelineBench(o);
        String only = o.getOrDefault("only", "all");
        System.out.printf("faucet-bench pipeline at %s; %d CPUs; Java %s; %,d orders of 200 bytes in %d partitions,"
                + " %,d customers; data in %s%n", LocalDateTime.now().withNano(0),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), b.records,
                b.partitions, b.customers, b.root);
        try {
            double p1Max = 0;
            if (!only.equals("latency")) {
                p1Max = b.throughput();
            }
            if (!only.equals("throughput")) {
                b.latency(p1Max);
            }
        } finally {
            deleteTree(b.root);
        }
    }

    // ---- throughput ----

    private double throughput() throws IOException {
        Map<String, List<Double>> results = new LinkedHashMap<>();
        Map<String, Function<String, Pipeline>> configs = configs();
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(root.resolve("throughput"))) {
            setUp(rt);
            preload(rt);
            // Warm-up, not measured: the JIT compiler needs the whole path hot (the first pass over a backlog ran at
            // about half the speed of the second).
            for (int w = 0; w < 2; w++) {
                resetOutputs(rt);
                rt.deploy(p1Steps("warmup-" + w, Guarantee.EXACTLY_ONCE, true));
                awaitDrained(rt, "warmup-" + w);
                rt.delete("warmup-" + w);
                System.out.printf("  warm-up pass %d done%n", w + 1);
            }
            for (int r = 1; r <= repeat; r++) {
                for (Map.Entry<String, Function<String, Pipeline>> c : configs.entrySet()) {
                    if (!configFilter.isEmpty() && !c.getKey().contains(configFilter)) {
                        continue;
                    }
                    resetOutputs(rt);
                    String name = "bench-" + r + "-" + c.getKey().replaceAll("[^a-z0-9]+", "-");
                    Pipeline p = c.getValue().apply(name);
                    long t0 = System.nanoTime();
                    rt.deploy(p);
                    awaitDrained(rt, name);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    PipelineStatus s = awaitSettled(rt, name);
                    double perSecond = records / secs;
                    results.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(perSecond);
                    System.out.printf("  [run %d] %-38s %,10.0f events/s (%.2f s; out %,d, dead letters %,d)%n", r,
                            c.getKey(), perSecond, secs, s.recordsOut(), s.deadLettered());
                    rt.delete(name);
                }
            }
        }
        System.out.println();
        System.out.println("| configuration | events/s (median) | runs | ÷ no-op |");
        System.out.println("|---|---:|---|---:|");
        double noop = median(results.getOrDefault("no-op (read, commit)", List.of(Double.NaN)));
        for (Map.Entry<String, List<Double>> e : results.entrySet()) {
            double m = median(e.getValue());
            System.out.printf("| %s | %,.0f | %s | %.2f |%n", e.getKey(), m, e.getValue().stream()
                    .map(v -> String.format("%,.0f", v)).toList(), m / noop);
        }
        double eo = median(results.getOrDefault("P1 exactly-once", List.of(Double.NaN)));
        double alo = median(results.getOrDefault("P1 at-least-once", List.of(Double.NaN)));
        System.out.printf("%nTargets: P1 exactly-once %,.0f events/s (target ≥ 300,000: %s); exactly-once ÷"
                + " at-least-once %.2f (target ≥ 0.85: %s)%n", eo, eo >= 300_000 ? "met" : "NOT met", eo / alo,
                eo / alo >= 0.85 ? "met" : "NOT met");
        return eo;
    }

    private Map<String, Function<String, Pipeline>> configs() {
        Map<String, Function<String, Pipeline>> c = new LinkedHashMap<>();
        c.put("no-op (read, commit)", n -> Pipeline.from("orders").filter("false").to("noop").build(n));
        c.put("validate", n -> Pipeline.from("orders").validate(SCHEMA).to("standard").build(n));
        c.put("validate, filter", n -> Pipeline.from("orders").validate(SCHEMA).filter("amount > 0")
                .to("standard").build(n));
        c.put("validate, filter, enrich", n -> Pipeline.from("orders").validate(SCHEMA).filter("amount > 0")
                .enrich("customers", "customerId", "customer", OnMissing.DEAD_LETTER).to("standard").build(n));
        c.put("validate, filter, enrich, set", n -> p1Steps(n, Guarantee.EXACTLY_ONCE, false));
        c.put("P1 exactly-once", n -> p1Steps(n, Guarantee.EXACTLY_ONCE, true));
        c.put("P1 at-least-once", n -> p1Steps(n, Guarantee.AT_LEAST_ONCE, true));
        c.put("P1 at-most-once", n -> p1Steps(n, Guarantee.AT_MOST_ONCE, true));
        return c;
    }

    /** P1: validate → filter → enrich from a compacted topic → set → route to two topics. */
    static Pipeline p1Steps(String name, Guarantee g, boolean route) {
        Pipeline.Builder b = Pipeline.from("orders").guarantee(g).validate(SCHEMA).filter("amount > 0")
                .enrich("customers", "customerId", "customer", OnMissing.DEAD_LETTER)
                .set("total", "amount * (1.0 + customer.taxRate)");
        if (route) {
            b.route(r -> r.when("customer.tier == 'gold'", "gold").otherwise("standard"));
        } else {
            b.to("standard");
        }
        return b.build(name);
    }

    private void setUp(EmbeddedRuntime rt) {
        rt.createTopic(TopicConfig.of("orders", partitions));
        rt.createTopic(TopicConfig.of("customers", partitions).withCompaction(true));
        List<NewRecord> rows = new ArrayList<>();
        Random rnd = new Random(42);
        for (int i = 0; i < customers; i++) {
            String id = customerId(i);
            String v = "{\"id\":\"" + id + "\",\"tier\":\"" + TIERS[rnd.nextInt(TIERS.length)] + "\",\"country\":\""
                    + COUNTRIES[rnd.nextInt(COUNTRIES.length)] + "\",\"taxRate\":" + (rnd.nextInt(4) * 5) / 100.0
                    + "}";
            rows.add(NewRecord.of(id, v));
            if (rows.size() == 1000) {
                rt.publish(new Publish("customers", rows, null, null)).join();
                rows = new ArrayList<>();
            }
        }
        if (!rows.isEmpty()) {
            rt.publish(new Publish("customers", rows, null, null)).join();
        }
        resetOutputs(rt);
    }

    private void resetOutputs(EmbeddedRuntime rt) {
        for (String t : List.of("gold", "standard", "noop")) {
            if (rt.topic(t).isPresent()) {
                rt.deleteTopic(t);
            }
            rt.createTopic(TopicConfig.of(t, partitions));
        }
    }

    private static String customerId(int i) {
        return String.format("c%05d", i);
    }

    /** A 200-byte order; {@code t} is a nanoTime for latency runs (0 in the backlog). */
    static String order(long n, int customer, long t) {
        String head = "{\"orderId\":\"o" + n + "\",\"customerId\":\"" + customerId(customer) + "\",\"amount\":"
                + (n % 500 + 1) + ",\"currency\":\"EUR\",\"items\":" + (n % 5 + 1) + ",\"t\":" + t + ",\"pad\":\"";
        StringBuilder s = new StringBuilder(head);
        while (s.length() < 198) {
            s.append('x');
        }
        return s.append("\"}").toString();
    }

    private void preload(EmbeddedRuntime rt) {
        long t0 = System.nanoTime();
        Random rnd = new Random(7);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < records; i += 1000) {
            List<NewRecord> batch = new ArrayList<>(1000);
            for (int j = i; j < Math.min(records, i + 1000); j++) {
                batch.add(NewRecord.of(order(j, rnd.nextInt(customers), 0).getBytes(StandardCharsets.UTF_8)));
            }
            pending.add(rt.publish(new Publish("orders", batch, null, null)));
            if (pending.size() >= 16) {
                pending.remove(0).join();
            }
        }
        pending.forEach(CompletableFuture::join);
        System.out.printf("preloaded %,d orders in %.1f s%n", records, (System.nanoTime() - t0) / 1e9);
    }

    private static PipelineStatus awaitDrained(EmbeddedRuntime rt, String name) {
        while (true) {
            PipelineStatus s = rt.pipeline(name).orElseThrow();
            if (s.state() == PipelineStatus.State.FAILED) {
                throw new IllegalStateException("pipeline " + name + " failed: " + s.failure());
            }
            if (s.ready() && s.lagRecords() == 0 && s.recordsIn() > 0) {
                return s;
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** At-most-once commits positions before outputs: its last outputs land a moment after the lag is 0. */
    private static PipelineStatus awaitSettled(EmbeddedRuntime rt, String name) {
        PipelineStatus last = rt.pipeline(name).orElseThrow();
        while (true) {
            LockSupport.parkNanos(50_000_000);
            PipelineStatus s = rt.pipeline(name).orElseThrow();
            if (s.recordsOut() == last.recordsOut()) {
                return s;
            }
            last = s;
        }
    }

    // ---- latency ----

    private void latency(double p1Max) throws IOException, InterruptedException {
        List<Double> rates = new ArrayList<>(List.of(rate));
        if (p1Max > 0) {
            rates.add(p1Max / 2);
        }
        for (double r : rates) {
            try (EmbeddedRuntime rt = EmbeddedRuntime.open(root.resolve("latency-" + (long) r))) {
                setUp(rt);
                rt.deploy(p1Steps("latency", Guarantee.EXACTLY_ONCE, true));
                Histogram h = openLoop(rt, r);
                PipelineStatus.Latency own = rt.pipeline("latency").orElseThrow().latency();
                System.out.printf("  the pipeline's own histogram (record timestamp, set at ingest, to its commit; ms"
                        + " resolution): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n", own.p50(), own.p99(), own.p999());
                System.out.printf("latency P1 exactly-once at %,.0f events/s offered: p50 %.2f ms, p99 %.2f ms,"
                        + " p99.9 %.2f ms, max %.2f ms (%,d records)%s%n", r, h.getValueAtPercentile(50) / 1e6,
                        h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6,
                        h.getTotalCount(), r == rate ? (h.getValueAtPercentile(99) <= 10e6
                                ? "; target p99 ≤ 10 ms at 20,000/s: met" : "; target p99 ≤ 10 ms at 20,000/s: NOT met")
                                : "");
            }
        }
    }

    /** Publishes at a fixed rate for warm-up + {@code seconds}; returns the latencies of the measured part. */
    private Histogram openLoop(EmbeddedRuntime rt, double perSecond) throws InterruptedException {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        AtomicBoolean done = new AtomicBoolean();
        long warmupNanos = 5_000_000_000L;
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        Thread reader = Thread.ofPlatform().name("bench-reader").start(() -> follow(rt, h, measureFrom, done));
        long interval = (long) (1e9 / perSecond);
        long end = measureFrom + seconds * 1_000_000_000L;
        Random rnd = new Random(11);
        long n = 0;
        long due = start;
        // Records due in the same 100 µs go in one request, as concurrent clients' requests share a group commit.
        while (due < end) {
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(Math.min(due - now, 100_000));
                continue;
            }
            List<NewRecord> batch = new ArrayList<>();
            while (due <= now && batch.size() < 1000) {
                batch.add(NewRecord.of(order(n++, rnd.nextInt(customers), due).getBytes(StandardCharsets.UTF_8)));
                due += interval;
            }
            rt.publish(new Publish("orders", batch, null, null));
        }
        Thread.sleep(2000);
        done.set(true);
        reader.join();
        return h;
    }

    private static void follow(EmbeddedRuntime rt, Histogram h, long measureFrom, AtomicBoolean done) {
        Map<String, long[]> next = new LinkedHashMap<>();
        for (String t : List.of("gold", "standard")) {
            next.put(t, new long[rt.topic(t).orElseThrow().partitions().size()]);
        }
        while (!done.get()) {
            boolean any = false;
            for (Map.Entry<String, long[]> e : next.entrySet()) {
                long[] pos = e.getValue();
                for (int p = 0; p < pos.length; p++) {
                    List<LogRecord> batch = rt.read(e.getKey(), p, pos[p], 10_000);
                    long now = System.nanoTime();
                    for (LogRecord r : batch) {
                        long t = dueOf(r.value());
                        if (t >= measureFrom) {
                            h.recordValue(Math.max(0, now - t));
                        }
                        pos[p] = r.offset() + 1;
                        any = true;
                    }
                }
            }
            if (!any) {
                LockSupport.parkNanos(100_000);
            }
        }
    }

    private static long dueOf(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        int i = s.indexOf("\"t\":");
        if (i < 0) {
            return 0;
        }
        int j = i + 4;
        int k = j;
        while (k < s.length() && Character.isDigit(s.charAt(k))) {
            k++;
        }
        return Long.parseLong(s.substring(j, k));
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static long endOffsets(EmbeddedRuntime rt, String topic) {
        return rt.topic(topic).orElseThrow().partitions().stream().mapToLong(PartitionInfo::endOffset).sum();
    }
}
