package dev.faucet.connect.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.connect.webhook.Receiver.Answer;
import dev.faucet.connect.webhook.Receiver.Request;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.Publish;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import dev.faucet.testkit.SinkContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The sink contract against a real HTTP endpoint on loopback that behaves as a well-made idempotent receiver: it
 * applies a request (keeps the {@code id} of its record, or of each record of a batch) only the first time it sees
 * its {@code Idempotency-Key}, and answers a repeat 200 without applying it again. So a record the sink delivers
 * under two keys shows up twice in {@link #applied}, and one delivered again under its key once.
 */
class WebhookSinkContractTest extends SinkContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Endpoint endpoint;

    @AfterEach
    void closeEndpoint() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Override
    protected String sinkType() {
        return "webhook";
    }

    @Override
    protected ObjectNode settings() throws Exception {
        endpoint = new Endpoint(false);
        return endpoint.settings();
    }

    @Override
    protected List<String> applied() {
        return endpoint.applied();
    }

    @Override
    protected String refusedValue(String id) {
        return Endpoint.refused(id);
    }

    @Override
    protected void targetDown() {
        endpoint.down(true);
    }

    @Override
    protected void targetUp() {
        endpoint.down(false);
    }

    /**
     * The same contract with {@code batch: 10}: one request, one key and a JSON array per batch. A batch is
     * delivered or refused as a whole, so the contract checks that each record is applied once or a dead letter
     * ({@link SinkContract#refusesWholeBatches}); {@link #aRefusedBatchIsDeadLetteredWholeAndTheOthersAreDeliveredOnce}
     * checks exactly which records share the refused batch.
     */
    @Nested
    class Batched extends SinkContract {
        @Override
        protected boolean refusesWholeBatches() {
            return true;
        }

        private Endpoint batches;

        @AfterEach
        void closeEndpoint() {
            if (batches != null) {
                batches.close();
            }
        }

        @Override
        protected String sinkType() {
            return "webhook";
        }

        @Override
        protected ObjectNode settings() throws Exception {
            batches = new Endpoint(true);
            return batches.settings().put("batch", 10);
        }

        @Override
        protected List<String> applied() {
            return batches.applied();
        }

        @Override
        protected String refusedValue(String id) {
            return Endpoint.refused(id);
        }

        @Override
        protected void targetDown() {
            batches.down(true);
        }

        @Override
        protected void targetUp() {
            batches.down(false);
        }

        @Test
        void aRefusedBatchIsDeadLetteredWholeAndTheOthersAreDeliveredOnce() throws Exception {
            ObjectNode settings = settings();
            try (PipelineRuntime rt = EmbeddedRuntime.open(dir.resolve("refused-batch"))) {
                rt.createTopic(TopicConfig.of("batch-in", 1));
                rt.deploy(Pipeline.from("batch-in").guarantee(Guarantee.EXACTLY_ONCE)
                        .errors(new ErrorPolicy(5, Duration.ofMillis(20), Duration.ofMillis(200), null,
                                ErrorPolicy.OnFailure.DEAD_LETTER))
                        .sink("webhook", settings).build("batched"));
                List<String> all = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    String id = "b-" + i;
                    all.add(id);
                    String value = i == 13 ? Endpoint.refused(id) : "{\"id\":\"" + id + "\",\"n\":" + i + "}";
                    rt.publish(new Publish("batch-in", List.of(new NewRecord("k".getBytes(StandardCharsets.UTF_8),
                            value.getBytes(StandardCharsets.UTF_8), List.<Header>of(), NewRecord.NO_TIMESTAMP,
                            NewRecord.ANY_PARTITION)), null, null)).join();
                }
                String dlq = rt.pipeline("batched").orElseThrow().deadLetterTopic();
                await("every record applied or a dead letter", () -> batches.applied().size()
                        + letters(rt, dlq).size() >= all.size());
                Set<String> refused = batches.refusedIds();
                if (!refused.contains("b-13")) {
                    throw new AssertionError("the refused record was in no refused request: " + refused);
                }
                Set<String> letters = new TreeSet<>();
                for (LogRecord r : letters(rt, dlq)) {
                    letters.add(JSON.readTree(r.value()).path("record").path("id").asText());
                }
                expect("the dead letters are the records of the refused batch", refused, letters);
                Set<String> delivered = new TreeSet<>(all);
                delivered.removeAll(refused);
                List<String> applied = batches.applied();
                expect("every other record applied once", delivered, new TreeSet<>(applied));
                expect("no record applied twice", applied.size(), delivered.size());
            }
        }

        private static List<LogRecord> letters(PipelineRuntime rt, String dlq) {
            return rt.topic(dlq).isEmpty() ? List.of() : rt.read(dlq, 0, 0, 1000);
        }

        private static void expect(String what, Object want, Object got) {
            if (!want.equals(got)) {
                throw new AssertionError(what + ": expected " + want + ", got " + got);
            }
        }
    }

    /**
     * An idempotent webhook receiver: remembers the keys of the requests it applied; refuses (422) a request whose
     * record, or one of whose records, says {@code "refuse": true}; answers 503 to everything while down.
     */
    static final class Endpoint implements AutoCloseable {
        private final Receiver receiver;
        private final boolean batched;
        private final Set<String> appliedKeys = ConcurrentHashMap.newKeySet();
        private final Queue<String> applied = new ConcurrentLinkedQueue<>();
        private final Set<String> refusedIds = ConcurrentHashMap.newKeySet();
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger repeats = new AtomicInteger();
        private volatile boolean down;

        Endpoint(boolean batched) throws IOException {
            this.batched = batched;
            this.receiver = new Receiver();
            receiver.answer(this::answer);
        }

        static String refused(String id) {
            return "{\"id\":\"" + id + "\",\"n\":0,\"amount\":0,\"refuse\":true}";
        }

        ObjectNode settings() {
            ObjectNode s = JsonNodeFactory.instance.objectNode();
            s.put("url", receiver.url()).put("timeout", 2000).put("concurrency", 4);
            return s;
        }

        List<String> applied() {
            return new ArrayList<>(applied);
        }

        void down(boolean isDown) {
            this.down = isDown;
        }

        Set<String> refusedIds() {
            return new TreeSet<>(refusedIds);
        }

        private Answer answer(Request r) {
            requests.incrementAndGet();
            if (down) {
                return Answer.status(503).header("Retry-After", "0");
            }
            String key = r.header("Idempotency-Key");
            if (key == null || key.isBlank()) {
                return Answer.status(400).body("no Idempotency-Key");
            }
            List<JsonNode> records;
            try {
                records = records(r.body());
            } catch (IOException | IllegalArgumentException e) {
                return Answer.status(400).body("not a " + (batched ? "batch" : "record") + ": " + e.getMessage());
            }
            if (records.stream().anyMatch(v -> v.path("refuse").asBoolean(false))) {
                records.forEach(v -> refusedIds.add(v.path("id").asText()));
                return Answer.status(422).body("refused");
            }
            if (appliedKeys.add(key)) {
                records.forEach(v -> applied.add(v.path("id").asText()));
            } else {
                repeats.incrementAndGet();
            }
            return Answer.status(200);
        }

        /** The record values a request carries: its body, or the {@code value} of each element of a batch. */
        private List<JsonNode> records(String body) throws IOException {
            JsonNode tree = JSON.readTree(body);
            if (!batched) {
                if (tree == null || !tree.isObject()) {
                    throw new IllegalArgumentException("expected a JSON object");
                }
                return List.of(tree);
            }
            if (tree == null || !tree.isArray() || tree.isEmpty()) {
                throw new IllegalArgumentException("expected a non-empty JSON array");
            }
            List<JsonNode> values = new ArrayList<>();
            for (JsonNode element : tree) {
                if (!element.path("value").isObject()) {
                    throw new IllegalArgumentException("an element without an object value: " + element);
                }
                values.add(element.path("value"));
            }
            return values;
        }

        @Override
        public void close() {
            receiver.close();
            System.out.printf("webhook endpoint (%s): %d requests, %d keys applied, %d repeats answered without"
                    + " effect%n", batched ? "batches" : "records", requests.get(), appliedKeys.size(), repeats.get());
        }
    }
}
