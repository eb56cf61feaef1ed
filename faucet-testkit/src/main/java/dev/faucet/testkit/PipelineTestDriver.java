package dev.faucet.testkit;

import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a pipeline (from YAML or the Java DSL) over given records on a real embedded runtime in a temporary
 * directory, and reads what it wrote: outputs per topic and dead letters. The same runtime as {@code faucet server}:
 * durable log, tasks, commits, the pipeline's guarantee.
 *
 * <pre>{@code
 * try (var driver = PipelineTestDriver.create(pipeline)) {
 *     driver.table("customers", TestRecord.of("c1", "{\"tier\":\"gold\"}"));
 *     driver.send("orders", TestRecord.of("o1", "{\"customerId\":\"c1\",\"amount\":10}"));
 *     List<TestRecord> gold = driver.outputs("orders-gold");
 *     List<TestRecord> dead = driver.deadLetters();
 * }
 * }</pre>
 *
 * <p>Every topic the pipeline names (inputs, tables, outputs) is created with one partition unless {@link
 * #partitions} says otherwise; tables are compacted. The pipeline is deployed at the first read, after the records
 * sent so far (so tables are loaded before it starts); reads wait until it has processed everything sent.
 */
public final class PipelineTestDriver implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Pipeline pipeline;
    private final Path dir;
    private final boolean ownDir;
    private final PipelineRuntime runtime;
    private final Map<String, Integer> partitions = new HashMap<>();
    private boolean topicsCreated;
    private boolean deployed;

    private PipelineTestDriver(Pipeline pipeline, Path dir, boolean ownDir) throws IOException {
        this.pipeline = pipeline;
        this.dir = dir;
        this.ownDir = ownDir;
        this.runtime = EmbeddedRuntime.open(dir);
    }

    /** A driver on a fresh temporary directory, deleted on {@link #close}. */
    public static PipelineTestDriver create(Pipeline pipeline) {
        try {
            return new PipelineTestDriver(pipeline, Files.createTempDirectory("faucet-pipeline-test"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A driver on a directory of the caller's (kept on close). */
    public static PipelineTestDriver create(Pipeline pipeline, Path dir) throws IOException {
        return new PipelineTestDriver(pipeline, dir, false);
    }

    /** Creates {@code topic} with this many partitions (before anything is sent to it). */
    public PipelineTestDriver partitions(String topic, int count) {
        if (topicsCreated) {
            throw new IllegalStateException("set partitions before sending or reading");
        }
        partitions.put(topic, count);
        return this;
    }

    public PipelineRuntime runtime() {
        return runtime;
    }

    /** Publishes records to a table topic (the same as {@link #send}; named for readability). */
    public void table(String topic, TestRecord... rows) {
        send(topic, rows);
    }

    /** Publishes records to a topic, each durable before this returns. */
    public void send(String topic, TestRecord... records) {
        send(topic, List.of(records));
    }

    public void send(String topic, List<TestRecord> records) {
        createTopics();
        List<NewRecord> batch = new ArrayList<>();
        for (TestRecord r : records) {
            List<Header> headers = new ArrayList<>();
            r.headers().forEach((k, v) -> headers.add(Header.of(k, v)));
            batch.add(new NewRecord(r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8),
                    r.value() == null ? null : r.value().getBytes(StandardCharsets.UTF_8), headers,
                    r.timestampMs() < 0 ? NewRecord.NO_TIMESTAMP : r.timestampMs(), NewRecord.ANY_PARTITION));
        }
        // one request per record: unkeyed records spread over partitions as separate publishes do
        for (NewRecord r : batch) {
            runtime.publish(new Publish(topic, List.of(r), null, null)).join();
        }
    }

    /** Sends JSON values without keys. */
    public void send(String topic, String... jsonValues) {
        send(topic, Stream.of(jsonValues).map(TestRecord::of).toList());
    }

    /** Runs the pipeline until it has processed everything sent, and returns what it wrote to {@code topic}. */
    public List<TestRecord> outputs(String topic) {
        run();
        return readAll(topic);
    }

    /** The pipeline's dead letters (values in the dead-letter format of DESIGN.md). */
    public List<TestRecord> deadLetters() {
        return outputs(pipeline.deadLetterTopic());
    }

    /** The pipeline's status after it has processed everything sent. */
    public PipelineStatus status() {
        run();
        return runtime.pipeline(pipeline.name()).orElseThrow();
    }

    /** Deploys the pipeline if needed and waits until it is idle: nothing left to read, outputs settled. */
    public void run() {
        createTopics();
        if (!deployed) {
            runtime.deploy(pipeline);
            deployed = true;
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, Long> lastEnds = Map.of();
        int stable = 0;
        while (System.nanoTime() < deadline) {
            PipelineStatus s = runtime.pipeline(pipeline.name()).orElseThrow();
            if (s.state() != PipelineStatus.State.RUNNING) {
                return;
            }
            Map<String, Long> ends = ends();
            boolean delivered = s.sinks().stream().allMatch(k -> k.partitions().stream().allMatch(p -> p.queued()
                    == 0));
            if (s.ready() && s.lagRecords() == 0 && delivered && ends.equals(lastEnds)) {
                if (++stable >= 3) {
                    return;
                }
            } else {
                stable = 0;
            }
            lastEnds = ends;
            sleep(10);
        }
        throw new AssertionError("pipeline '" + pipeline.name() + "' did not finish within " + TIMEOUT + ": "
                + runtime.pipeline(pipeline.name()).orElseThrow());
    }

    private Map<String, Long> ends() {
        Map<String, Long> ends = new HashMap<>();
        List<String> topics = new ArrayList<>(pipeline.outputTopics());
        topics.add(pipeline.deadLetterTopic());
        for (String t : topics) {
            runtime.topic(t).ifPresent(info -> ends.put(t, info.partitions().stream()
                    .mapToLong(PartitionInfo::endOffset).sum()));
        }
        return ends;
    }

    private List<TestRecord> readAll(String topic) {
        TopicInfo info = runtime.topic(topic).orElseThrow(() -> new AssertionError("no topic '" + topic + "'"));
        List<TestRecord> out = new ArrayList<>();
        for (PartitionInfo p : info.partitions()) {
            long offset = p.startOffset();
            while (true) {
                List<LogRecord> batch = runtime.read(topic, p.partition(), offset, 1000);
                if (batch.isEmpty()) {
                    break;
                }
                for (LogRecord r : batch) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    r.headers().forEach(h -> headers.put(h.name(), h.valueAsString()));
                    out.add(new TestRecord(r.keyAsString(), r.valueAsString(), headers, r.timestampMs(),
                            r.partition(), r.offset()));
                    offset = r.offset() + 1;
                }
            }
        }
        return out;
    }

    private void createTopics() {
        if (topicsCreated) {
            return;
        }
        topicsCreated = true;
        for (String t : pipeline.inputs()) {
            create(t, false);
        }
        for (String t : pipeline.tables()) {
            create(t, true);
        }
        for (String t : pipeline.outputTopics()) {
            create(t, false);
        }
    }

    private void create(String topic, boolean compact) {
        if (runtime.topic(topic).isEmpty()) {
            runtime.createTopic(TopicConfig.of(topic, partitions.getOrDefault(topic, 1)).withCompaction(compact));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        runtime.close();
        if (ownDir) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
