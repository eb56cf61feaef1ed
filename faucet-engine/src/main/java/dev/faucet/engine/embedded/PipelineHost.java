package dev.faucet.engine.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.NoSuchPipelineException;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Step;
import dev.faucet.log.Commit;
import dev.faucet.log.GroupOffset;
import dev.faucet.log.Log;
import dev.faucet.log.LogConfig;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deployed pipelines on the embedded log: the registry of deployments (the compacted internal topic
 * {@value #REGISTRY}, so deployments survive restarts), the tables that enrich steps read, the worker threads that
 * run tasks, and deploy/update/pause/resume/delete.
 *
 * <p>Threads: {@code workers} (as many as cores, at least 2) run tasks, a batch at a time; one ticker thread follows
 * tables every 10 ms and wakes every task every 100 ms (a fallback: appends wake the tasks that read them at once).
 * Deploy, pause, resume and delete are serialised.
 */
public final class PipelineHost implements AutoCloseable {
    static final String REGISTRY = "__faucet.pipelines";
    /**
     * Each sink queue's incarnation: a random id written when the queue is made, so that positions a sink stores
     * outside Faucet for a deleted pipeline's queue never apply to the queue of a pipeline deployed again under the
     * same name (compacted; key the queue topic).
     */
    static final String SINK_QUEUES = "__faucet.sink-queues";
    private static final Logger LOG = LoggerFactory.getLogger(PipelineHost.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STOP_TIMEOUT_MS = 10_000;

    final Log log;
    final InstantSource clock;
    final MeterRegistry meters;
    final ExecutorService workers;
    final int batchRecords;
    final long maxCommitBytes;
    final int maxRecordBytes;
    private final ScheduledExecutorService ticker;
    private final Map<String, RunningPipeline> pipelines = new ConcurrentHashMap<>();
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    /**
     * Held while a registry record is submitted and while the map of pipelines changes, so that a late state write of
     * a replaced or deleted pipeline can never land after its successor's record. Never held while waiting for the
     * log (the acknowledgement thread may need it).
     */
    private final Object registry = new Object();
    private volatile boolean closed;
    private final Map<String, dev.faucet.engine.SinkProvider> sinkProviders = new java.util.TreeMap<>();
    private final Map<String, dev.faucet.engine.LookupProvider> lookupProviders = new java.util.TreeMap<>();
    private final Map<String, dev.faucet.engine.SourceProvider> sourceProviders = new java.util.TreeMap<>();
    private final Map<String, SourceTask> sources = new java.util.concurrent.ConcurrentHashMap<>();

    private PipelineHost(Log log, LogConfig config, MeterRegistry meters) {
        this.log = log;
        this.clock = config.clock();
        this.meters = meters;
        this.batchRecords = Integer.getInteger("faucet.pipeline.batchRecords", 2000);
        this.maxCommitBytes = Math.max(64 * 1024, config.maxPendingBytes() / 4);
        this.maxRecordBytes = config.maxRecordBytes();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> daemon(r, "faucet-pipeline-" + n.incrementAndGet()));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "faucet-pipeline-ticker"));
        for (dev.faucet.engine.SinkProvider sp : java.util.ServiceLoader.load(dev.faucet.engine.SinkProvider.class)) {
            sinkProviders.putIfAbsent(sp.type(), sp);
        }
        for (dev.faucet.engine.LookupProvider lp : java.util.ServiceLoader.load(
                dev.faucet.engine.LookupProvider.class)) {
            lookupProviders.putIfAbsent(lp.type(), lp);
        }
        for (dev.faucet.engine.SourceProvider sp : java.util.ServiceLoader.load(
                dev.faucet.engine.SourceProvider.class)) {
            sourceProviders.putIfAbsent(sp.type(), sp);
        }
    }

    /**
     * Starts copying a source of {@code type} into {@code topic} (which must exist), under a name that keys its
     * stored positions: started again under the same name, it resumes where it stopped.
     *
     * @throws IllegalArgumentException naming every problem with the definition
     */
    public void startSource(String name, String type, com.fasterxml.jackson.databind.node.ObjectNode settings,
            String topic) {
        List<String> problems = new ArrayList<>();
        dev.faucet.engine.SourceProvider sp = sourceProviders.get(type);
        dev.faucet.engine.ConnectorConfig config = new dev.faucet.engine.ConnectorConfig(type, settings);
        if (sp == null) {
            problems.add("no source of type '" + type + "' is installed (installed: " + String.join(", ",
                    sourceProviders.keySet()) + ")");
        } else {
            sp.check(config).forEach(p -> problems.add(type + "." + p.setting() + ": " + p.message()));
        }
        if (log.topic(topic).isEmpty()) {
            problems.add("the topic '" + topic + "' it copies to does not exist; create it first");
        }
        if (sources.containsKey(name)) {
            problems.add("a source named '" + name + "' is running already");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("source '" + name + "': " + String.join("; ", problems));
        }
        SourceTask t = new SourceTask(log, name, topic, config, sp.create(config));
        sources.put(name, t);
        t.start();
    }

    public List<dev.faucet.engine.SourceStatus> sources() {
        return sources.values().stream().map(SourceTask::status).toList();
    }

    /** Records (or with null, forgets) the incarnation of a sink queue; durable when this returns. */
    private void incarnation(String queue, String id) {
        createIfMissing(TopicConfig.of(SINK_QUEUES, 1).withCompaction(true), true);
        log.commitInternal(Commit.builder().append(SINK_QUEUES, List.of(NewRecord.of(queue.getBytes(
                StandardCharsets.UTF_8), id == null ? null : id.getBytes(StandardCharsets.UTF_8)).toPartition(0)))
                .build()).join();
    }

    /** The sink queue's identity for positions kept outside Faucet: its topic and incarnation. */
    String queueIdentity(String queue) {
        String id = null;
        if (log.topic(SINK_QUEUES).isPresent()) {
            long offset = log.topic(SINK_QUEUES).get().partitions().get(0).startOffset();
            while (true) {
                List<LogRecord> batch = log.read(SINK_QUEUES, 0, offset, 1000);
                if (batch.isEmpty()) {
                    break;
                }
                for (LogRecord r : batch) {
                    if (queue.equals(r.keyAsString())) {
                        id = r.value() == null ? null : r.valueAsString();
                    }
                    offset = r.offset() + 1;
                }
            }
        }
        return id == null ? queue : queue + "~" + id;
    }

    /** The provider of a lookup type; deploy checked that there is one. */
    dev.faucet.engine.LookupProvider lookupProvider(String type) {
        dev.faucet.engine.LookupProvider lp = lookupProviders.get(type);
        if (lp == null) {
            throw new IllegalStateException("no lookup of type '" + type + "' is installed (installed: "
                    + lookupProviders.keySet() + ")");
        }
        return lp;
    }

    /** The provider of a sink type; deploy checked that there is one. */
    dev.faucet.engine.SinkProvider sinkProvider(String type) {
        dev.faucet.engine.SinkProvider sp = sinkProviders.get(type);
        if (sp == null) {
            throw new IllegalStateException("no sink of type '" + type + "' is installed (installed: "
                    + sinkProviders.keySet() + ")");
        }
        return sp;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Opens the registry and starts the pipelines it holds (paused and failed ones stay so). */
    public static PipelineHost open(Log log, LogConfig config, MeterRegistry meters) {
        PipelineHost host = new PipelineHost(log, config, meters);
        try {
            host.load();
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        host.ticker.scheduleWithFixedDelay(host::tick, 10, 10, TimeUnit.MILLISECONDS);
        return host;
    }

    private long ticks;

    private void tick() {
        try {
            for (Table t : tables.values()) {
                if (t.refresh()) {
                    pipelines.values().forEach(RunningPipeline::wakeAll);
                }
            }
            if (++ticks % 10 == 0) {
                pipelines.values().forEach(RunningPipeline::wakeAll);
            }
        } catch (RuntimeException e) {
            LOG.warn("following tables failed: {}", e.toString());
        }
    }

    private void load() {
        if (log.topic(REGISTRY).isEmpty()) {
            log.createInternalTopic(TopicConfig.of(REGISTRY, 1).withCompaction(true));
        }
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        long offset = 0;
        while (true) {
            List<LogRecord> batch = log.read(REGISTRY, 0, offset, 1000);
            if (batch.isEmpty()) {
                break;
            }
            for (LogRecord r : batch) {
                String name = r.keyAsString();
                if (r.value() == null) {
                    latest.remove(name);
                } else {
                    try {
                        latest.put(name, JSON.readTree(r.value()));
                    } catch (IOException e) {
                        LOG.error("the registry entry of pipeline '{}' at offset {} is not readable; skipped",
                                name, r.offset());
                    }
                }
                offset = r.offset() + 1;
            }
        }
        for (Map.Entry<String, JsonNode> e : latest.entrySet()) {
            RunningPipeline rp;
            try {
                JsonNode entry = e.getValue();
                Pipeline p = PlanCodec.decode(entry.get("plan"));
                PipelineStatus.State state = PipelineStatus.State.valueOf(entry.get("state").asText());
                String failure = entry.hasNonNull("failure") ? entry.get("failure").asText() : null;
                rp = new RunningPipeline(this, p, CompiledPipeline.compile(p), state, failure,
                        Instant.ofEpochMilli(entry.get("deployedAt").asLong()));
            } catch (RuntimeException ex) {
                LOG.error("pipeline '{}' in the registry cannot be read back ({}); deploy it again", e.getKey(),
                        ex.getMessage());
                continue;
            }
            pipelines.put(rp.pipeline.name(), rp);
            if (rp.state() == PipelineStatus.State.RUNNING) {
                try {
                    rp.start();
                } catch (RuntimeException ex) {
                    rp.stop(STOP_TIMEOUT_MS);
                    rp.pausedOrFailed(PipelineStatus.State.FAILED, "could not start: " + ex.getMessage());
                    LOG.error("pipeline '{}' could not start: {}", rp.pipeline.name(), ex.getMessage());
                }
            }
        }
    }

    // ---- operations ----

    public PipelineStatus deploy(Pipeline p) {
        synchronized (lifecycle) {
            checkOpen();
            RunningPipeline old = pipelines.get(p.name());
            if (old != null && old.pipeline.version().equals(p.version())) {
                return old.status();
            }
            CompiledPipeline compiled = check(p);
            if (old != null) {
                checkUpdate(old.pipeline, p);
            }
            prepareTopics(p);
            if (old != null) {
                old.stop(STOP_TIMEOUT_MS);
                old.closeMetrics(); // before the new ones register: Micrometer would hand back the old meters
            }
            Instant now = Instant.ofEpochMilli(clock.millis());
            RunningPipeline next = new RunningPipeline(this, p, compiled, PipelineStatus.State.RUNNING, null, now);
            synchronized (registry) {
                pipelines.put(p.name(), next);
            }
            startOrFail(next);
            LOG.info("pipeline '{}' version {} deployed{}", p.name(), p.version(), old == null ? ""
                    : " (was " + old.pipeline.version() + ")");
            return next.status();
        }
    }

    /** Checks a pipeline as {@link #deploy} would, including whether it may take over from the running version. */
    public void validate(Pipeline p) {
        check(p);
        RunningPipeline old = pipelines.get(p.name());
        if (old != null && !old.pipeline.version().equals(p.version())) {
            checkUpdate(old.pipeline, p);
        }
    }

    public Optional<PipelineStatus> status(String name) {
        RunningPipeline rp = pipelines.get(name);
        return rp == null ? Optional.empty() : Optional.of(rp.status());
    }

    public List<PipelineStatus> statuses() {
        return pipelines.values().stream().sorted(Comparator.comparing(rp -> rp.pipeline.name()))
                .map(RunningPipeline::status).toList();
    }

    public Optional<Pipeline> definition(String name) {
        RunningPipeline rp = pipelines.get(name);
        return rp == null ? Optional.empty() : Optional.of(rp.pipeline);
    }

    public void pause(String name) {
        synchronized (lifecycle) {
            RunningPipeline rp = existing(name);
            if (rp.state() == PipelineStatus.State.PAUSED) {
                return;
            }
            rp.stop(STOP_TIMEOUT_MS);
            rp.pausedOrFailed(PipelineStatus.State.PAUSED, null);
            persist(rp);
        }
    }

    public void resume(String name) {
        synchronized (lifecycle) {
            RunningPipeline rp = existing(name);
            if (rp.state() == PipelineStatus.State.RUNNING) {
                return;
            }
            rp.stop(STOP_TIMEOUT_MS);
            rp.pausedOrFailed(PipelineStatus.State.RUNNING, null);
            startOrFail(rp);
        }
    }

    /**
     * Starts a pipeline's tasks and records it RUNNING; if its tasks cannot be created (state that cannot be read
     * back), records it FAILED with the reason instead, so the registry never says RUNNING for nothing.
     */
    private void startOrFail(RunningPipeline rp) {
        try {
            rp.start();
        } catch (RuntimeException e) {
            rp.stop(STOP_TIMEOUT_MS);
            rp.pausedOrFailed(PipelineStatus.State.FAILED, "could not start: " + e.getMessage());
            persist(rp);
            throw e;
        }
        persist(rp);
    }

    /**
     * An update takes over the old version's positions and keyed state, so both must mean the same in the new one:
     * the same inputs in the same order (a task's state partition is its place among the inputs' partitions), the
     * same stages (a {@code key} step at the same place, or records waiting in a repartition topic would be
     * stranded) and dedupe steps at the same places (state is kept per step).
     */
    private static void checkUpdate(Pipeline old, Pipeline next) {
        List<String> changes = new ArrayList<>();
        if (!old.inputs().equals(next.inputs())) {
            changes.add("its inputs change from " + old.inputs() + " to " + next.inputs());
        }
        if (!positions(old, Step.Key.class).equals(positions(next, Step.Key.class))) {
            changes.add("its key steps move (they divide it into stages with records in between)");
        }
        if (!positions(old, Step.Dedupe.class).equals(positions(next, Step.Dedupe.class))) {
            changes.add("its dedupe steps move (their state is kept per step)");
        }
        if (!sinkIdentities(old).equals(sinkIdentities(next))) {
            changes.add("its sink steps move, change type or name (records waiting in a sink's queue, and the"
                    + " positions it stores, belong to its step)");
        }
        if (!changes.isEmpty()) {
            throw new InvalidPipelineException(List.of(next.problem("steps", "this update cannot take over from the"
                    + " running version " + old.version() + ": " + String.join("; ", changes) + ". Delete the"
                    + " pipeline and deploy it again (it then starts from the beginning of its inputs), or deploy"
                    + " it under another name")));
        }
    }

    private static List<String> sinkIdentities(Pipeline p) {
        List<String> out = new ArrayList<>();
        p.sinks().forEach((i, d) -> out.add(i + ":" + d.type() + ":" + Pipeline.sinkName(i, d)));
        return out;
    }

    private static List<Integer> positions(Pipeline p, Class<? extends Step> kind) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < p.steps().size(); i++) {
            if (kind.isInstance(p.steps().get(i))) {
                at.add(i);
            }
        }
        return at;
    }

    public void delete(String name) {
        synchronized (lifecycle) {
            RunningPipeline rp = existing(name);
            rp.stop(STOP_TIMEOUT_MS);
            rp.closeMetrics();
            // Internal topics and snapshots first, the registry tombstone last: a crash in between leaves the
            // pipeline deployed (delete it again), never a registry without it but its old state still there.
            for (Stage st : rp.stages) {
                if (st.repartitionTopic() != null) {
                    deleteQuietly(st.repartitionTopic());
                }
            }
            for (int i : rp.pipeline.sinks().keySet()) {
                deleteQuietly(Stage.sinkTopic(name, i));
                incarnation(Stage.sinkTopic(name, i), null);
            }
            for (int i = 0; i < rp.pipeline.steps().size(); i++) {
                if (rp.pipeline.steps().get(i) instanceof Step.Dedupe) {
                    deleteQuietly(Stage.changelogTopic(name, i));
                    deleteSnapshots(Stage.changelogTopic(name, i));
                }
            }
            List<GroupOffset> removals = new ArrayList<>();
            for (GroupOffset o : log.groupOffsets(rp.pipeline.group())) {
                removals.add(new GroupOffset(o.group(), o.topic(), o.partition(), -1));
            }
            Commit.Builder c = Commit.builder().append(REGISTRY, List.of(NewRecord.of(name.getBytes(
                    StandardCharsets.UTF_8), null).toPartition(0)));
            removals.forEach(o -> c.offset(o.group(), o.topic(), o.partition(), o.offset()));
            CompletableFuture<?> removed;
            synchronized (registry) {
                pipelines.remove(name);
                removed = log.commitInternal(c.build());
            }
            removed.join();
            LOG.info("pipeline '{}' deleted", name);
        }
    }

    private void deleteQuietly(String topic) {
        try {
            if (log.topic(topic).isPresent()) {
                log.deleteTopic(topic);
            }
        } catch (LogException e) {
            LOG.warn("could not delete {}: {}", topic, e.getMessage());
        }
    }

    private RunningPipeline existing(String name) {
        RunningPipeline rp = pipelines.get(name);
        if (rp == null) {
            throw new NoSuchPipelineException(name);
        }
        return rp;
    }

    /** Wakes the tasks that read {@code topic}: records were just committed to it. */
    public void signal(String topic) {
        for (RunningPipeline rp : pipelines.values()) {
            rp.wake(topic);
            if (topic.startsWith("__faucet.sink.")) {
                rp.wakeSinks(topic);
            }
        }
    }

    // ---- internals ----

    /** Compiles the pipeline and checks its topics, collecting every problem. */
    private CompiledPipeline check(Pipeline p) {
        List<InvalidPipelineException.Problem> problems = new ArrayList<>();
        CompiledPipeline compiled = null;
        try {
            compiled = CompiledPipeline.compile(p);
        } catch (InvalidPipelineException e) {
            problems.addAll(e.problems());
        }
        List<String> inputs = p.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            if (log.topic(inputs.get(i)).isEmpty()) {
                problems.add(p.problem(inputs.size() == 1 ? "input" : "input[" + i + "]", "the input topic '"
                        + inputs.get(i) + "' does not exist; create it first (faucet topic create "
                        + inputs.get(i) + ")"));
            }
        }
        for (int i = 0; i < p.steps().size(); i++) {
            Step s = p.steps().get(i);
            String at = "steps[" + i + "]." + s.kind();
            if (s instanceof Step.Enrich e) {
                missing(p, e.from(), at + ".from", "table", problems);
            } else if (s instanceof Step.Deliver d) {
                checkSink(p, i, d, problems);
            } else if (s instanceof Step.Lookup l) {
                checkLookup(p, i, l, problems);
            } else if (s instanceof Step.To t) {
                missing(p, t.topic(), at, "output", problems);
            } else if (s instanceof Step.Route r) {
                for (int b = 0; b < r.branches().size(); b++) {
                    missing(p, r.branches().get(b).to(), "steps[" + i + "].route[" + b + "].to", "output", problems);
                }
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(InvalidPipelineException.Problem::line));
            throw new InvalidPipelineException(problems);
        }
        return compiled;
    }

    private void checkSink(Pipeline p, int i, Step.Deliver d, List<InvalidPipelineException.Problem> problems) {
        String at = "steps[" + i + "].sink." + d.type();
        dev.faucet.engine.SinkProvider sp = sinkProviders.get(d.type());
        if (sp == null) {
            problems.add(p.problem(at, "no sink of type '" + d.type() + "' is installed in this server (installed: "
                    + String.join(", ", sinkProviders.keySet()) + ")"));
            return;
        }
        for (dev.faucet.engine.ConnectorConfig.Problem sp2 : sp.check(d.config(), p.guarantee())) {
            problems.add(p.problem(sp2.setting().isEmpty() ? at : at + "." + sp2.setting(), sp2.message()));
        }
    }

    private void checkLookup(Pipeline p, int i, Step.Lookup l, List<InvalidPipelineException.Problem> problems) {
        String at = "steps[" + i + "].enrich.from." + l.type();
        dev.faucet.engine.LookupProvider lp = lookupProviders.get(l.type());
        if (lp == null) {
            problems.add(p.problem(at, "no lookup of type '" + l.type() + "' is installed in this server (installed:"
                    + " " + String.join(", ", lookupProviders.keySet()) + ")"));
            return;
        }
        for (dev.faucet.engine.ConnectorConfig.Problem pr : lp.check(l.config())) {
            problems.add(p.problem(pr.setting().isEmpty() ? at : at + "." + pr.setting(), pr.message()));
        }
    }

    private void missing(Pipeline p, String topic, String at, String what, List<InvalidPipelineException.Problem> out) {
        if (log.topic(topic).isEmpty()) {
            out.add(p.problem(at, "the " + what + " topic '" + topic + "' does not exist; create it first"));
        }
    }

    /** Creates the dead-letter topic (a user topic), the repartition topics and the state changelogs. */
    private void prepareTopics(Pipeline p) {
        int partitions = 1;
        for (String in : p.inputs()) {
            partitions = Math.max(partitions, log.topic(in).map(t -> t.partitions().size()).orElse(1));
        }
        createIfMissing(TopicConfig.of(p.deadLetterTopic(), 1), false);
        List<Stage> stages = Stage.of(p);
        for (Stage s : stages) {
            if (s.repartitionTopic() != null) {
                // No time or size retention: a later stage that is paused or far behind must never miss what an
                // earlier stage committed past. The later stage releases what it has committed (Log.releaseBefore),
                // and small segments let that space go soon.
                createIfMissing(TopicConfig.of(s.repartitionTopic(), partitions).withSegments(16L << 20,
                        java.time.Duration.ofMinutes(10)), true);
            }
        }
        for (Stage s : stages) {
            int tasks = 0;
            for (String in : s.inputs()) {
                tasks += in.startsWith("__faucet.") ? partitions : log.topic(in).map(t -> t.partitions().size())
                        .orElse(1);
            }
            for (int i = s.from(); i < s.to(); i++) {
                if (p.steps().get(i) instanceof Step.Deliver) {
                    // Released by the sink as it delivers (Log.releaseBefore), like a repartition topic.
                    String queue = Stage.sinkTopic(p.name(), i);
                    if (log.topic(queue).isEmpty()) {
                        // The incarnation first: a queue is never without one (a crash in between makes another).
                        incarnation(queue, java.util.UUID.randomUUID().toString());
                    }
                    createIfMissing(TopicConfig.of(queue, tasks).withSegments(16L << 20,
                            java.time.Duration.ofMinutes(10)), true);
                }
                if (p.steps().get(i) instanceof Step.Dedupe) {
                    if (log.topic(Stage.changelogTopic(p.name(), i)).isEmpty()) {
                        deleteSnapshots(Stage.changelogTopic(p.name(), i)); // left by a deleted pipeline
                    }
                    createIfMissing(TopicConfig.of(Stage.changelogTopic(p.name(), i), tasks).withCompaction(true),
                            true);
                }
            }
        }
    }

    private void createIfMissing(TopicConfig config, boolean internal) {
        if (log.topic(config.name()).isPresent()) {
            return;
        }
        try {
            if (internal) {
                log.createInternalTopic(config);
            } else {
                log.createTopic(config);
            }
        } catch (LogException e) {
            if (log.topic(config.name()).isEmpty()) {
                throw e;
            }
        }
    }

    Table table(String topic) {
        return tables.computeIfAbsent(topic, t -> {
            Table table = new Table(log, t);
            table.refresh();
            return table;
        });
    }

    /**
     * The dedupe state of one task, read back from its snapshot (when there is a usable one) and its changelog
     * partition from the snapshot's offset on.
     */
    DedupeState restoreDedupe(String changelog, int partition, long withinMs) {
        DedupeState s = new DedupeState(changelog, partition, withinMs);
        TopicInfo info = log.topic(changelog).orElseThrow(() -> new IllegalStateException("the state changelog "
                + changelog + " is missing"));
        if (partition >= info.partitions().size()) {
            throw new IllegalStateException("the state changelog " + changelog + " has " + info.partitions().size()
                    + " partitions; task " + partition + " has none (did an input topic change?)");
        }
        var p = info.partitions().get(partition);
        long offset = p.startOffset();
        StateSnapshot.Loaded snap = StateSnapshot.read(snapshotFile(changelog, partition));
        if (snap != null && snap.offset() >= p.startOffset() && snap.offset() <= p.endOffset()) {
            s.restore(snap.entries());
            offset = snap.offset();
        }
        while (true) {
            List<LogRecord> batch = log.read(changelog, partition, offset, 10_000);
            if (batch.isEmpty()) {
                s.changes = 0;
                return s;
            }
            for (LogRecord r : batch) {
                s.restore(r.key(), r.value());
                offset = r.offset() + 1;
            }
        }
    }

    Path snapshotFile(String changelog, int partition) {
        return log.dir().resolve("state").resolve(changelog).resolve(partition + ".snap");
    }

    /**
     * Writes a task's state snapshot. Only when every change of the state is committed (the task is between
     * batches with no commit in flight), so the changelog's end offset is exactly what the snapshot holds.
     */
    void snapshot(DedupeState s) {
        try {
            long end = log.topic(s.changelogTopic).orElseThrow().partitions().get(s.partition).endOffset();
            StateSnapshot.write(snapshotFile(s.changelogTopic, s.partition), end, s.entries());
            s.changes = 0;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not snapshot {}/{}: {}; a restart reads more of the changelog", s.changelogTopic,
                    s.partition, e.toString());
        }
    }

    private void deleteSnapshots(String changelog) {
        Path dir = log.dir().resolve("state").resolve(changelog);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("could not delete the snapshots in {}: {}", dir, e.toString());
        }
    }

    private NewRecord registryRecord(RunningPipeline rp) {
        ObjectNode entry = JSON.createObjectNode();
        entry.set("plan", PlanCodec.encode(rp.pipeline));
        entry.put("state", rp.state().name());
        entry.put("failure", rp.failure());
        entry.put("deployedAt", rp.deployedAt.toEpochMilli());
        try {
            return NewRecord.of(rp.pipeline.name().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(entry))
                    .toPartition(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void persist(RunningPipeline rp) {
        CompletableFuture<?> written;
        synchronized (registry) {
            written = log.commitInternal(Commit.builder().append(REGISTRY, List.of(registryRecord(rp))).build());
        }
        written.join();
    }

    /** Records a state change without waiting (called from task and acknowledgement threads). */
    void persistAsync(RunningPipeline rp) {
        try {
            synchronized (registry) {
                if (pipelines.get(rp.pipeline.name()) != rp) {
                    return; // replaced or deleted meanwhile: its state is no longer the pipeline's
                }
                log.commitInternal(Commit.builder().append(REGISTRY, List.of(registryRecord(rp))).build())
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                LOG.warn("could not record the state of pipeline '{}': {}", rp.pipeline.name(),
                                        e.toString());
                            }
                        });
            }
        } catch (LogException e) {
            LOG.warn("could not record the state of pipeline '{}': {}", rp.pipeline.name(), e.getMessage());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the runtime is closed");
        }
    }

    /** Stops every pipeline after its in-flight commits (up to 10 s). */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            ticker.shutdownNow();
            sources.values().forEach(t -> t.stop(STOP_TIMEOUT_MS));
            for (RunningPipeline rp : pipelines.values()) {
                try {
                    rp.stop(STOP_TIMEOUT_MS);
                } catch (IllegalStateException e) {
                    LOG.warn("closing: {}", e.getMessage());
                }
                rp.closeMetrics();
            }
            workers.shutdown();
            try {
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
