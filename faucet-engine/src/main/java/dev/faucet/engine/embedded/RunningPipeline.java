package dev.faucet.engine.embedded;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Step;
import dev.faucet.log.LogRecord;
import dev.faucet.log.TopicInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deployed pipeline in this process: its compiled plan, its stages and tasks, its state and its metrics. Started
 * and stopped by {@link PipelineHost}, which serialises those calls; tasks report to it from their threads.
 */
final class RunningPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(RunningPipeline.class);
    private static final long IN_FLIGHT_TIMEOUT_MS = 60_000;
    /**
     * Most records a sink may have queued and not delivered before its pipeline stops reading
     * ({@code -Dfaucet.sink.maxQueued}, read when the pipeline is deployed or started).
     */
    private final long maxQueued = Long.getLong("faucet.sink.maxQueued", 100_000);

    final PipelineHost host;
    final Pipeline pipeline;
    final CompiledPipeline compiled;
    final List<Stage> stages;
    final PipelineMetrics metrics;
    final Instant deployedAt;
    private final List<Task> tasks = new CopyOnWriteArrayList<>();
    private final List<SinkTask> sinkTasks = new CopyOnWriteArrayList<>();
    private final Map<Integer, SinkMetrics> sinkMetrics = new java.util.LinkedHashMap<>();
    private final List<Table> tables = new ArrayList<>();
    /** The caches of the lookup steps, by step index: shared by the step's tasks; made on start, closed on stop. */
    private final Map<Integer, LookupCache> lookups = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile PipelineStatus.State state;
    private volatile String failure;
    private volatile boolean started;

    RunningPipeline(PipelineHost host, Pipeline pipeline, CompiledPipeline compiled, PipelineStatus.State state,
            String failure, Instant deployedAt) {
        this.host = host;
        this.pipeline = pipeline;
        this.compiled = compiled;
        this.stages = Stage.of(pipeline);
        this.metrics = new PipelineMetrics(pipeline, host.meters);
        pipeline.sinks().forEach((i, d) -> sinkMetrics.put(i, new SinkMetrics(pipeline.name(), Pipeline.sinkName(i, d),
                d.type(), host.meters)));
        for (Stage stage : stages) {
            for (String topic : stage.inputs()) {
                host.log.topic(topic).ifPresent(info -> info.partitions().forEach(p -> metrics.lag(topic,
                        p.partition(), () -> lag(topic, p.partition()))));
            }
        }
        this.state = state;
        this.failure = failure;
        this.deployedAt = deployedAt;
    }

    PipelineStatus.State state() {
        return state;
    }

    String failure() {
        return failure;
    }

    /** Creates the tasks from the committed positions (restoring keyed state) and starts them. */
    void start() {
        state = PipelineStatus.State.RUNNING;
        failure = null;
        tables.clear();
        for (String t : pipeline.tables()) {
            tables.add(host.table(t));
        }
        for (int i = 0; i < pipeline.steps().size(); i++) {
            if (pipeline.steps().get(i) instanceof Step.Lookup l) {
                lookups.put(i, new LookupCache(host.lookupProvider(l.type()).create(l.config()), l.cache(),
                        pipeline.name(), Pipeline.stepId(i, l), host.meters));
            }
        }
        for (Stage stage : stages) {
            int index = 0;
            for (String topic : stage.inputs()) {
                TopicInfo info = host.log.topic(topic).orElseThrow(() -> new IllegalStateException("the input topic '"
                        + topic + "' of pipeline '" + pipeline.name() + "' does not exist"));
                for (int p = 0; p < info.partitions().size(); p++) {
                    long start = host.log.committedOffset(pipeline.group(), topic, p)
                            .orElse(info.partitions().get(p).startOffset());
                    int taskIndex = index++;
                    Map<Integer, DedupeState> states = new HashMap<>();
                    for (int i = stage.from(); i < stage.to(); i++) {
                        if (pipeline.steps().get(i) instanceof Step.Dedupe d) {
                            states.put(i, host.restoreDedupe(Stage.changelogTopic(pipeline.name(), i), taskIndex,
                                    d.within().toMillis()));
                        }
                    }
                    List<StepRun> runs = compiled.runs(stage.from(), stage.to(), host::table, states::get,
                            lookups::get);
                    tasks.add(new Task(this, stage, topic, p, start, new Task.Work(runs,
                            List.copyOf(states.values())), taskIndex));
                }
            }
            for (int i = stage.from(); i < stage.to(); i++) {
                if (pipeline.steps().get(i) instanceof Step.Deliver d) {
                    for (int p = 0; p < index; p++) {
                        sinkTasks.add(new SinkTask(this, i, d, Stage.sinkTopic(pipeline.name(), i), p,
                                host.sinkProvider(d.type()).create(d.config()), sinkMetrics.get(i)));
                    }
                }
            }
        }
        started = true;
        tasks.forEach(Task::wake);
        sinkTasks.forEach(SinkTask::start);
    }

    /** Whether sinks may deliver: the pipeline runs (a paused or failed pipeline holds its sinks too). */
    boolean canDeliver() {
        return state == PipelineStatus.State.RUNNING && started;
    }

    /**
     * Whether a task of {@code stage} (its partition {@code index} of the stage's sink queues) must wait because a
     * sink of the stage has {@code maxQueued} or more records queued and not delivered: a slow sink holds back
     * its pipeline's reading, and so its input's backlog, instead of filling the disk.
     */
    boolean sinkQueueFull(Stage stage, int index) {
        for (SinkTask s : sinkTasks) {
            if (s.partition == index && s.step >= stage.from() && s.step < stage.to()) {
                // Before the sink is open (its target unreachable) its committed position counts: the queue
                // still fills only up to the bound.
                long pos = s.position() >= 0 ? s.position() : host.log.committedOffset(pipeline.group(), s.topic,
                        index).orElse(0L);
                long end = host.log.topic(s.topic).map(t -> t.partitions().get(index).endOffset()).orElse(0L);
                if (end - pos >= maxQueued) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A sink delivered and committed: the tasks that waited for room in its queue may go on. */
    void sinkAdvanced(SinkTask s) {
        for (Task t : tasks) {
            if (t.stage.from() <= s.step && s.step < t.stage.to()) {
                t.wake();
            }
        }
    }

    void closeMetrics() {
        metrics.close();
        sinkMetrics.values().forEach(SinkMetrics::close);
    }

    /** Stops the tasks and waits (up to the timeout) for their in-flight commits. */
    void stop(long timeoutMs) {
        started = false;
        tasks.forEach(Task::stop);
        sinkTasks.forEach(SinkTask::stop);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (tasks.stream().anyMatch(Task::active) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Task t : tasks) {
            if (t.active()) {
                LOG.warn("pipeline '{}': the task for {}/{} did not stop within {} ms; it will not commit again",
                        pipeline.name(), t.topic, t.partition, timeoutMs);
                t.fence();
            } else if (state != PipelineStatus.State.FAILED) {
                t.snapshotStates(1);
            }
        }
        // A commit already handed to the log lands whatever the task does; a successor must start after it.
        long hard = System.currentTimeMillis() + IN_FLIGHT_TIMEOUT_MS;
        while (tasks.stream().anyMatch(t -> t.inFlight() > 0)) {
            if (System.currentTimeMillis() > hard) {
                throw new IllegalStateException("pipeline '" + pipeline.name() + "': commits handed to the log did"
                        + " not finish within " + IN_FLIGHT_TIMEOUT_MS / 1000 + " s; the log may be stalled");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping pipeline '" + pipeline.name() + "'", e);
            }
        }
        tasks.clear();
        for (SinkTask s : sinkTasks) {
            if (!s.join(Math.max(1, deadline - System.currentTimeMillis()))) {
                LOG.warn("pipeline '{}': sink '{}' (partition {}) did not stop within {} ms; its attempt in progress"
                        + " may still land, and its successor delivers from the last committed position",
                        pipeline.name(), s.name, s.partition, timeoutMs);
            }
        }
        sinkTasks.clear();
        lookups.values().forEach(LookupCache::close);
        lookups.clear();
    }

    void pausedOrFailed(PipelineStatus.State s, String why) {
        state = s;
        failure = why;
    }

    boolean canProcess() {
        if (state != PipelineStatus.State.RUNNING || !started) {
            return false;
        }
        for (Table t : tables) {
            if (t.overLimit() != null) {
                fail(null, t.overLimit(), null);
                return false;
            }
            if (!t.caughtUp()) {
                return false;
            }
        }
        return true;
    }

    void wake(String topic) {
        for (Task t : tasks) {
            if (t.topic.equals(topic)) {
                t.wake();
            }
        }
    }

    void wakeAll() {
        tasks.forEach(Task::wake);
    }

    void wakeSinks(String topic) {
        for (SinkTask s : sinkTasks) {
            if (s.topic.equals(topic)) {
                s.wake();
            }
        }
    }

    /** A task failed in a way no retry fixes (a commit refused or failed): the pipeline stops, with the reason. */
    void fail(Task task, String why, Throwable cause) {
        if (state == PipelineStatus.State.FAILED) {
            return;
        }
        LOG.error("pipeline '{}' stopped: {}", pipeline.name(), why, cause);
        state = PipelineStatus.State.FAILED;
        failure = why;
        tasks.forEach(Task::stop);
        sinkTasks.forEach(SinkTask::stop);
        host.persistAsync(this);
    }

    /** {@code onFailure: fail}: stop at this record, and stay stopped across restarts until resumed. */
    void stopAt(Task task, long offset, String why) {
        LOG.warn("pipeline '{}' stopped at {}/{}@{} (onFailure: fail): {}", pipeline.name(), task.topic,
                task.partition, offset, why);
        state = PipelineStatus.State.FAILED;
        failure = why;
        tasks.forEach(Task::stop);
        host.persistAsync(this);
    }

    void committed(Task task, long outputs, long[] timestamps) {
        metrics.out.add(outputs);
        if (task.stage.repartitionTopic() == null) {
            metrics.latency(timestamps, host.clock.millis());
        }
    }

    /** The lag of one input partition now: records behind and the age of the oldest of them. */
    PipelineStatus.PartitionLag lag(String topic, int partition) {
        TopicInfo info = host.log.topic(topic).orElse(null);
        if (info == null || partition >= info.partitions().size()) {
            return new PipelineStatus.PartitionLag(topic, partition, 0, 0, 0, 0);
        }
        var p = info.partitions().get(partition);
        long committed = host.log.committedOffset(pipeline.group(), topic, partition).orElse(p.startOffset());
        long lag = Math.max(0, p.endOffset() - Math.max(committed, p.startOffset()));
        double seconds = 0;
        if (lag > 0) {
            List<LogRecord> oldest = host.log.read(topic, partition, committed, 1);
            if (!oldest.isEmpty()) {
                seconds = Math.max(0, host.clock.millis() - oldest.get(0).timestampMs()) / 1000.0;
            }
        }
        return new PipelineStatus.PartitionLag(topic, partition, committed, p.endOffset(), lag, seconds);
    }

    PipelineStatus status() {
        List<PipelineStatus.PartitionLag> lags = new ArrayList<>();
        for (Stage stage : stages) {
            for (String topic : stage.inputs()) {
                TopicInfo info = host.log.topic(topic).orElse(null);
                if (info != null) {
                    info.partitions().forEach(p -> lags.add(lag(topic, p.partition())));
                }
            }
        }
        boolean ready = state != PipelineStatus.State.RUNNING || (started && tables.stream().allMatch(Table::caughtUp));
        return new PipelineStatus(pipeline.name(), pipeline.version(), pipeline.guarantee(), state, failure,
                deployedAt, pipeline.inputs(), pipeline.outputTopics(), pipeline.deadLetterTopic(), ready,
                metrics.stepStats(pipeline), lags, metrics.latency(), metrics.in.sum(), metrics.out.sum(),
                metrics.deadLettered.sum(), sinkStats());
    }

    private List<PipelineStatus.SinkStats> sinkStats() {
        List<PipelineStatus.SinkStats> out = new ArrayList<>();
        pipeline.sinks().forEach((i, d) -> {
            List<PipelineStatus.SinkPartition> parts = new ArrayList<>();
            for (SinkTask s : sinkTasks) {
                if (s.step == i) {
                    long end = host.log.topic(s.topic).map(t -> t.partitions().get(s.partition).endOffset())
                            .orElse(0L);
                    long pos = s.position() < 0 ? host.log.committedOffset(pipeline.group(), s.topic, s.partition)
                            .orElse(0L) : s.position();
                    parts.add(new PipelineStatus.SinkPartition(s.partition, s.state(), pos, end, Math.max(0,
                            end - pos), s.error()));
                }
            }
            SinkMetrics m = sinkMetrics.get(i);
            out.add(new PipelineStatus.SinkStats(Pipeline.sinkName(i, d), d.type(), m.delivered.sum(),
                    m.deadLettered.sum(), m.retries.sum(), m.breakerOpenings.sum(), parts));
        });
        return out;
    }
}
