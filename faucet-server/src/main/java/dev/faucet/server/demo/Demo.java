package dev.faucet.server.demo;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.PipelineYaml;
import dev.faucet.engine.Publish;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code faucet demo} runs in a server: the shop's topics, 500 customers in the compacted {@code customers},
 * the example pipelines (from the jar's {@code examples/}, the same files as the repository's {@code examples/}),
 * and a generator that publishes orders and payments through the server's own HTTP API at a steady rate, as a shop's
 * backend would.
 */
public final class Demo implements AutoCloseable {
    public static final List<String> PIPELINES = List.of("orders-routing", "payments-dedupe");
    private static final int CUSTOMERS = 500;
    private static final List<TopicConfig> TOPICS = List.of(TopicConfig.of("orders", 4),
            TopicConfig.of("customers", 2).withCompaction(true), TopicConfig.of("orders-gold", 2),
            TopicConfig.of("orders-international", 2), TopicConfig.of("orders-standard", 2),
            TopicConfig.of("payments", 2), TopicConfig.of("payments-by-customer", 2));

    private final PipelineRuntime runtime;
    private final URI server;
    private final double rate;
    private final PrintWriter out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong orders = new AtomicLong();
    private final AtomicLong payments = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopped;
    private Thread generator;
    private Thread reporter;

    public Demo(PipelineRuntime runtime, URI server, double ratePerSecond, PrintWriter out) {
        this.runtime = runtime;
        this.server = server;
        this.rate = ratePerSecond;
        this.out = out;
    }

    /** Creates what is missing (topics, customers, pipelines), then starts generating. */
    public void start() {
        for (TopicConfig t : TOPICS) {
            if (runtime.topic(t.name()).isEmpty()) {
                runtime.createTopic(t);
            }
        }
        if (runtime.topic("customers").orElseThrow().partitions().stream().allMatch(p -> p.endOffset() == 0)) {
            ShopEvents rows = new ShopEvents(1, CUSTOMERS);
            List<NewRecord> batch = new ArrayList<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                batch.add(NewRecord.of(ShopEvents.customerId(i), rows.customer(i)));
            }
            runtime.publish(new Publish("customers", batch, null, null)).join();
        }
        for (String name : PIPELINES) {
            runtime.deploy(example(name));
        }
        generator = Thread.ofPlatform().daemon().name("faucet-demo-generator").start(this::generate);
        reporter = Thread.ofPlatform().daemon().name("faucet-demo-reporter").start(this::report);
    }

    /** An example pipeline from the jar, its schema files read from beside it. */
    public static Pipeline example(String name) {
        String file = "examples/" + name + ".yaml";
        return PipelineYaml.parse(resource(file), file, ref -> resource("examples/" + ref));
    }

    private static String resource(String path) {
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("the jar holds no " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ten requests a second per topic, each with a tenth of a second's events, until stopped. */
    private void generate() {
        ShopEvents events = new ShopEvents(System.nanoTime(), CUSTOMERS);
        long tick = 100_000_000L;
        long next = System.nanoTime();
        double owed = 0;
        while (!stopped) {
            owed += rate * tick / 1e9;
            int n = (int) owed;
            owed -= n;
            if (n > 0) {
                StringBuilder o = new StringBuilder();
                StringBuilder p = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    o.append(events.order()).append('\n');
                    p.append(events.payment()).append('\n');
                }
                if (post("orders", "customerId", o.toString())) {
                    orders.addAndGet(n);
                }
                if (post("payments", "paymentId", p.toString())) {
                    payments.addAndGet(n);
                }
            }
            next += tick;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private boolean post(String topic, String keyField, String ndjson) {
        HttpRequest req = HttpRequest.newBuilder(server.resolve("/v1/topics/" + topic + "/records?key=" + keyField))
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return true;
            }
            if (failures.incrementAndGet() <= 3) {
                out.println("faucet demo: publishing to " + topic + " was answered " + r.statusCode() + ": "
                        + r.body());
                out.flush();
            }
        } catch (IOException e) {
            failures.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
        return false;
    }

    /** A line every 10 seconds: what was generated and what each pipeline did. */
    private void report() {
        while (!stopped) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                return;
            }
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "generated %,d orders, %,d payments",
                    orders.get(), payments.get()));
            for (String name : PIPELINES) {
                runtime.pipeline(name).ifPresent(p -> s.append(describe(p)));
            }
            out.println(s);
            out.flush();
        }
    }

    private static String describe(PipelineStatus p) {
        return String.format(Locale.ROOT, "; %s: %s in %,d out %,d dead letters %,d lag %,d p99 %.1f ms", p.name(),
                p.state().name().toLowerCase(Locale.ROOT), p.recordsIn(), p.recordsOut(), p.deadLettered(),
                p.lagRecords(), p.latency().p99());
    }

    public long ordersGenerated() {
        return orders.get();
    }

    @Override
    public void close() {
        stopped = true;
        for (Thread t : new Thread[] {generator, reporter}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        http.close();
    }
}
