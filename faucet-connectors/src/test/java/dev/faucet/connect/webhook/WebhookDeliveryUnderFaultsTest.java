package dev.faucet.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.engine.Published;
import dev.faucet.log.Header;
import dev.faucet.log.NewRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook sink end to end through the embedded runtime, against a real HTTP receiver on loopback that fails a
 * third of the calls (500 or 503, some with {@code Retry-After: 1}), stalls some past the sink's timeout (it saw
 * the request, the sink did not see it succeed), and goes down for a while (its server stopped: connections
 * refused; then a new one on the same port). Every record must be delivered, every repeat of a record must carry
 * the same {@code Idempotency-Key} and body, and no two records may share a key.
 *
 * <p>The receiver's faults are drawn from a seed, printed by the test; {@code -Dfaucet.faults.seed=N} replays them.
 * Each request's fault is a function of the seed, its key and how many requests came before it under that key, so
 * a replay repeats the same faults per record whatever the order in which requests arrive; only the outage is timed.
 */
class WebhookDeliveryUnderFaultsTest {
    static final String SEED_PROPERTY = "faucet.faults.seed";
    private static final String NAME = "faults";
    private static final String INPUT = "faults-in";
    private static final int RECORDS = 2000;
    private static final int PER_PUBLISH = 10;
    /** Between publishes: 200 publishes take about 5 s, the outage starts in the middle and lasts 2 s. */
    private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final long TIMEOUT_MS = 300;
    private static final long STALL_MS = 1000;
    private static final Duration OUTAGE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(45);
    /** Once every record was acknowledged: for the last attempts' answers to reach the sink and its commits. */
    private static final Duration DRAIN = Duration.ofSeconds(15);
    private static final Pattern KEY = Pattern.compile(Pattern.quote(NAME + ":" + INPUT + ":") + "([01]):(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private PipelineRuntime runtime;
    private FlakyReceiver receiver;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void everyRecordArrivesUnderItsOwnKeyThroughFailuresStallsAndAnOutage() throws Exception {
        long seed = Long.getLong(SEED_PROPERTY, ThreadLocalRandom.current().nextLong());
        System.out.println("WebhookDeliveryUnderFaultsTest: receiver seed " + seed + " (replay with -D"
                + SEED_PROPERTY + "=" + seed + ")");
        long t0 = System.nanoTime();
        receiver = new FlakyReceiver(seed);
        runtime = EmbeddedRuntime.open(dir);
        runtime.createTopic(TopicConfig.of(INPUT, 2));
        runtime.deploy(pipeline());

        Map<String, String> keyOf = publishThroughAnOutage();

        await("every record acknowledged by the receiver").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .failFast("the receiver could not come back on its port", () -> receiver.restartFailure() != null)
                .untilAsserted(() -> assertThat(notYet(keyOf.keySet(), receiver.acknowledgedIds()))
                        .as("ids not yet acknowledged (first 10); sink: %s", sink()).isEmpty());
        await("the sink's queue drained").atMost(DRAIN).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(sink().partitions()).as("sink partitions").hasSize(2)
                        .allSatisfy(p -> assertThat(p.queued()).as("queued of %s", p).isZero()));
        System.out.printf("WebhookDeliveryUnderFaultsTest: %d records, %d requests (%s), %d outage(s), sink %s,"
                + " %d ms%n", RECORDS, receiver.requests(), receiver.answered(), receiver.restarts(), sink(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        assertEveryRecordUnderItsOwnKey(keyOf, receiver.log());
        assertThat(receiver.restarts()).as("the receiver went down and came back once").isEqualTo(1);
        assertThat(receiver.requests()).as("requests (the test must have made the sink try again)")
                .isGreaterThan(RECORDS);
        assertThat(receiver.answered()).as("answers the receiver gave").containsKeys("failed", "stalled", "ok");
        PipelineStatus.SinkStats s = sink();
        assertThat(s.breakerOpenings()).as("breaker openings").isGreaterThanOrEqualTo(1);
        assertThat(s.deadLettered()).as("dead letters counted by the sink").isZero();
        assertThat(s.delivered()).as("records the sink counts delivered").isEqualTo(RECORDS);
        String dlq = runtime.pipeline(NAME).orElseThrow().deadLetterTopic();
        assertThat(runtime.topic(dlq).map(t -> t.partitions().stream().mapToLong(PartitionInfo::endOffset).sum())
                .orElse(0L)).as("records in the dead-letter topic %s (nothing was refused)", dlq).isZero();
    }

    private Pipeline pipeline() {
        ObjectNode settings = JsonNodeFactory.instance.objectNode();
        settings.put("url", receiver.url()).put("timeout", TIMEOUT_MS).put("concurrency", 8);
        settings.putObject("breaker").put("failures", 5).put("pause", 500);
        return Pipeline.from(INPUT).guarantee(Guarantee.EXACTLY_ONCE)
                .errors(new ErrorPolicy(5, Duration.ofMillis(20), Duration.ofMillis(500), null,
                        ErrorPolicy.OnFailure.DEAD_LETTER))
                .sink("webhook", settings).build(NAME);
    }

    /**
     * Publishes the records at a steady pace, taking the receiver down half-way (it comes back by itself); returns
     * each record's id with the key its deliveries must carry: {@code <pipeline>:<topic>:<partition>:<offset>}.
     */
    private Map<String, String> publishThroughAnOutage() {
        Map<String, String> keyOf = new LinkedHashMap<>();
        for (int i = 0; i < RECORDS; i += PER_PUBLISH) {
            if (i == RECORDS / 2) {
                receiver.goDown(OUTAGE);
            }
            List<NewRecord> records = new ArrayList<>();
            for (int j = i; j < i + PER_PUBLISH; j++) {
                String value = "{\"id\":\"f-" + j + "\",\"n\":" + j + "}";
                records.add(new NewRecord(("k-" + (j % 101)).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8), List.<Header>of(), NewRecord.NO_TIMESTAMP,
                        NewRecord.ANY_PARTITION));
            }
            Published p = runtime.publish(new Publish(INPUT, records, null, null)).join();
            for (int j = 0; j < PER_PUBLISH; j++) {
                var at = p.positions().get(j);
                keyOf.put("f-" + (i + j), NAME + ":" + INPUT + ":" + at.partition() + ":" + at.offset());
            }
            LockSupport.parkNanos(PACE_NANOS);  // the pace of the input, not a wait for anything
        }
        return keyOf;
    }

    /** Every record arrived, always under the key of its source position, and every key carried one record. */
    private static void assertEveryRecordUnderItsOwnKey(Map<String, String> keyOf, Map<String, List<String>> log)
            throws IOException {
        Map<String, Set<String>> keysOfId = new HashMap<>();
        for (Map.Entry<String, List<String>> e : log.entrySet()) {
            String key = e.getKey();
            assertThat(key).as("an Idempotency-Key").matches(KEY);
            Set<String> bodies = new HashSet<>(e.getValue());
            assertThat(bodies).as("the bodies seen under key %s (a repeat is the same record)", key).hasSize(1);
            Set<String> ids = new HashSet<>();
            for (String body : e.getValue()) {
                ids.add(idOf(body));
            }
            assertThat(ids).as("the ids seen under key %s", key).hasSize(1);
            keysOfId.computeIfAbsent(ids.iterator().next(), id -> new HashSet<>()).add(key);
        }
        assertThat(keysOfId.keySet()).as("the ids that arrived").containsExactlyInAnyOrderElementsOf(keyOf.keySet());
        for (Map.Entry<String, Set<String>> e : keysOfId.entrySet()) {
            assertThat(e.getValue()).as("the keys record %s arrived under", e.getKey())
                    .containsExactly(keyOf.get(e.getKey()));
        }
    }

    private static String idOf(String body) throws IOException {
        JsonNode tree = JSON.readTree(body);
        return tree == null ? null : tree.path("id").asText(null);
    }

    private static List<String> notYet(Set<String> all, Set<String> acknowledged) {
        return all.stream().filter(id -> !acknowledged.contains(id)).sorted().limit(10).toList();
    }

    private PipelineStatus.SinkStats sink() {
        return runtime.pipeline(NAME).orElseThrow().sinks().get(0);
    }

    /**
     * The receiver: for each request, a third of the time 500 or 503 (an eighth of those with
     * {@code Retry-After: 1}); 5% of the time 200 after {@link #STALL_MS}, past the sink's timeout; otherwise 200,
     * which marks the request's record acknowledged. Logs every request's body under its key, whatever it answers.
     */
    static final class FlakyReceiver implements AutoCloseable {
        private static final double FAIL = 1.0 / 3;
        private static final double STALL = 0.05;
        private final long seed;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final ScheduledExecutorService outages = Executors.newSingleThreadScheduledExecutor();
        private final InetSocketAddress address;
        private final Map<String, Queue<String>> log = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
        private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger restarts = new AtomicInteger();
        private volatile HttpServer server;
        private volatile Exception restartFailure;
        private volatile boolean closed;

        FlakyReceiver(long seed) throws IOException {
            this.seed = seed;
            this.server = serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.address = server.getAddress();
        }

        private HttpServer serve(InetSocketAddress at) throws IOException {
            HttpServer s = HttpServer.create(at, 0);
            s.createContext("/", this::handle);
            s.setExecutor(threads);
            s.start();
            return s;
        }

        String url() {
            return "http://127.0.0.1:" + address.getPort() + "/hook";
        }

        /** Stops the server now (connections refused, open ones closed) and starts a new one on its port later. */
        void goDown(Duration outage) {
            server.stop(0);
            outages.schedule(this::comeBack, outage.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void comeBack() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!closed) {
                try {
                    server = serve(address);
                    restarts.incrementAndGet();
                    return;
                } catch (BindException e) {
                    if (System.nanoTime() > deadline) {
                        restartFailure = e;
                        return;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));  // the port is not free yet
                } catch (IOException e) {
                    restartFailure = e;
                    return;
                }
            }
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                requests.incrementAndGet();
                String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String logged = key == null ? "(none)" : key;
                log.computeIfAbsent(logged, k -> new ConcurrentLinkedQueue<>()).add(body);
                int before = seen.computeIfAbsent(logged, k -> new AtomicInteger()).getAndIncrement();
                SplittableRandom random = new SplittableRandom(seed ^ ((long) logged.hashCode() << 32 | before));
                double r = random.nextDouble();
                if (r < FAIL) {
                    count("failed");
                    if (random.nextInt(8) == 0) {
                        exchange.getResponseHeaders().add("Retry-After", "1");
                    }
                    exchange.sendResponseHeaders(random.nextBoolean() ? 500 : 503, -1);
                } else if (r < FAIL + STALL) {
                    count("stalled");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(STALL_MS));  // the fault itself
                    exchange.sendResponseHeaders(200, -1);
                } else {
                    count("ok");
                    exchange.sendResponseHeaders(200, -1);
                    acknowledged.add(idOf(body));
                }
            } catch (IOException | RuntimeException e) {
                count("broken: " + e.getClass().getSimpleName());  // the server stopped under it, a bad body
            }
        }

        private void count(String answer) {
            answered.computeIfAbsent(answer, a -> new AtomicLong()).incrementAndGet();
        }

        Set<String> acknowledgedIds() {
            return acknowledged;
        }

        /** Every key, with the bodies that came under it in order. */
        Map<String, List<String>> log() {
            return log.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
        }

        int requests() {
            return requests.get();
        }

        Map<String, Long> answered() {
            return answered.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        }

        int restarts() {
            return restarts.get();
        }

        Exception restartFailure() {
            return restartFailure;
        }

        @Override
        public void close() {
            closed = true;
            outages.shutdownNow();
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
