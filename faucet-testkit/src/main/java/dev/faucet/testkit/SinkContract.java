package dev.faucet.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance test every sink's test extends: a real embedded runtime runs a pipeline {@code input → sink} and
 * the subclass says what its real target holds. Records carry {@code id} (text), {@code n} (a whole number) and
 * {@code amount} (a number). A sink conforms when every record has exactly one effect on the target: delivered
 * once, also when a batch is delivered again; after a restart; after its target was down; and when the target
 * refuses a record, that record is a dead letter and the others are delivered.
 */
public abstract class SinkContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INPUT = "contract-in";
    private static final String NAME = "contract";

    @TempDir
    protected Path dir;
    private PipelineRuntime runtime;

    /** The sink's type, as pipeline files name it. */
    protected abstract String sinkType();

    /** The sink's settings (durations in milliseconds), pointing at this test's target. Called once per test. */
    protected abstract ObjectNode settings() throws Exception;

    /** The ids of the records the target holds now, one entry per effect (a record applied twice is there twice). */
    protected abstract List<String> applied() throws Exception;

    /** A record value, with {@code id}, that the target refuses for good (a 4xx, a value of the wrong type). */
    protected abstract String refusedValue(String id);

    /** Makes the target fail every attempt (down, unreachable) until {@link #targetUp}. */
    protected abstract void targetDown() throws Exception;

    protected abstract void targetUp() throws Exception;

    protected Guarantee guarantee() {
        return Guarantee.EXACTLY_ONCE;
    }

    /**
     * True for a sink that delivers batches as a whole (one request per batch): a refused record then takes the
     * records that share its batch to the dead letters with it, and the contract checks that each record is either
     * applied once or a dead letter, never both or neither.
     */
    protected boolean refusesWholeBatches() {
        return false;
    }

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    @Test
    void everyRecordHasExactlyOneEffect() throws Exception {
        start(2);
        publish(0, 300);
        await("300 records applied", () -> applied().size() >= 300);
        assertExactly(ids(0, 300));
        PipelineStatus.SinkStats s = sink();
        check(s.delivered() == 300, "the sink's status counts 300 delivered, not " + s.delivered());
    }

    @Test
    void aBatchDeliveredAgainHasNoSecondEffect() throws Exception {
        start(1);
        publish(0, 50);
        await("50 records applied", () -> applied().size() >= 50);
        // Rewind the engine's own position: the sink gets every batch again, and must not apply any twice.
        runtime.pause(NAME);
        String queue = "__faucet.sink." + NAME + ".0";
        runtime.commitOffsets("__faucet.pipeline." + NAME, queue, Map.of(0, 0L)).join();
        runtime.resume(NAME);
        publish(50, 60);
        // The queue is delivered in order: once everything is delivered, the batches sent again came before.
        await("60 records applied and the queue delivered", () -> applied().size() >= 60 && sink().partitions()
                .stream().allMatch(p -> p.queued() == 0));
        assertExactly(ids(0, 60));
    }

    @Test
    void aRestartNeitherLosesNorRepeats() throws Exception {
        start(2);
        publish(0, 100);
        await("some records applied", () -> !applied().isEmpty());
        runtime.close();
        runtime = EmbeddedRuntime.open(dir);
        publish(100, 200);
        await("200 records applied", () -> applied().size() >= 200);
        assertExactly(ids(0, 200));
    }

    @Test
    void aRefusedRecordIsADeadLetterAndTheOthersAreDelivered() throws Exception {
        start(1);
        publish(0, 5);
        send(0, refusedValue("refused-1"));
        publish(5, 10);
        await("a dead letter", () -> !read(NAME + ".dlq").isEmpty());
        List<String> lettered = new ArrayList<>();
        for (LogRecord l : read(NAME + ".dlq")) {
            lettered.add(JSON.readTree(l.value()).path("record").path("id").asText());
        }
        List<String> good = new ArrayList<>(ids(0, 10));
        if (refusesWholeBatches()) {
            good.removeAll(lettered);
        }
        await("the good records applied", () -> applied().size() >= good.size());
        assertExactly(good);
        List<LogRecord> letters = read(NAME + ".dlq");
        check(lettered.contains("refused-1"), "the refused record is a dead letter: " + lettered);
        check(refusesWholeBatches() || letters.size() == 1, "one dead letter, not " + letters.size());
        JsonNode letter = JSON.readTree(letters.get(lettered.indexOf("refused-1")).value());
        check(letter.path("record").path("id").asText().equals("refused-1"), "the dead letter holds the refused"
                + " record: " + letter);
        check(letter.path("step").asText().equals("sink#1"), "the dead letter names the sink step: " + letter);
        check(!letter.path("error").path("type").asText().isEmpty(), "the dead letter has an error type: " + letter);
        check(letter.path("source").path("topic").asText().equals(INPUT), "the dead letter names its source: "
                + letter);
    }

    @Test
    void whileTheTargetIsDownNothingIsLostAndDeliveryResumes() throws Exception {
        start(1);
        publish(0, 10);
        await("10 records applied", () -> applied().size() >= 10);
        targetDown();
        try {
            publish(10, 40);
            await("the sink reports its failures", () -> sink().state() != PipelineStatus.SinkState.DELIVERING
                    && sink().partitions().get(0).error() != null);
        } finally {
            targetUp();
        }
        await("40 records applied", () -> applied().size() >= 40);
        assertExactly(ids(0, 40));
        check(read(NAME + ".dlq").isEmpty(), "an unavailable target sends nothing to the dead letters");
    }

    // ---- helpers ----

    private void start(int partitions) throws Exception {
        runtime = EmbeddedRuntime.open(dir);
        runtime.createTopic(TopicConfig.of(INPUT, partitions));
        ObjectNode settings = settings();
        settings.putObject("breaker").put("failures", 3).put("pause", 300);
        Pipeline p = Pipeline.from(INPUT).guarantee(guarantee())
                .errors(new ErrorPolicy(5, Duration.ofMillis(20), Duration.ofMillis(200), null,
                        ErrorPolicy.OnFailure.DEAD_LETTER))
                .sink(sinkType(), settings).build(NAME);
        runtime.deploy(p);
    }

    private void publish(int from, int to) {
        for (int i = from; i < to; i++) {
            send(i, "{\"id\":\"r-" + i + "\",\"n\":" + i + ",\"amount\":" + (i * 1.5) + "}");
        }
    }

    private void send(int i, String value) {
        NewRecord r = new NewRecord(("k-" + (i % 7)).getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), List.<Header>of(), NewRecord.NO_TIMESTAMP,
                NewRecord.ANY_PARTITION);
        runtime.publish(new Publish(INPUT, List.of(r), null, null)).join();
    }

    private static List<String> ids(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("r-" + i);
        }
        return out;
    }

    private void assertExactly(List<String> expected) throws Exception {
        List<String> got = new ArrayList<>(applied());
        got.sort(null);
        List<String> want = new ArrayList<>(expected);
        want.sort(null);
        if (!got.equals(want)) {
            List<String> extra = new ArrayList<>(got);
            want.forEach(extra::remove);
            List<String> missing = new ArrayList<>(want);
            got.forEach(missing::remove);
            throw new AssertionError("the target does not hold each record exactly once: missing " + missing
                    + ", extra (repeated or unexpected) " + extra);
        }
    }

    private PipelineStatus.SinkStats sink() {
        return runtime.pipeline(NAME).orElseThrow().sinks().get(0);
    }

    private List<LogRecord> read(String topic) {
        if (runtime.topic(topic).isEmpty()) {
            return List.of();
        }
        return runtime.read(topic, 0, 0, 1000);
    }

    /** A condition that may throw while it is not yet true. */
    @FunctionalInterface
    protected interface Condition {
        boolean holds() throws Exception;
    }

    protected void await(String what, Condition c) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (c.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(20);
        }
        AssertionError e = new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + "; status: "
                + (runtime == null ? "-" : runtime.pipeline(NAME).map(PipelineStatus::sinks).orElse(List.of())));
        if (last != null) {
            e.addSuppressed(last);
        }
        throw e;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /** For subclasses that wait on something of their own. */
    protected static boolean waitFor(BooleanSupplier c, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
