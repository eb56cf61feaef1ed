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

    final PipelineHost host;
    final Pipeline pipeline;
    final CompiledPipeline compiled;
    final List<Stage> stages;
    final PipelineMetrics metrics;
    final Instant deployedAt;
    private final List<Task> tasks = new CopyOnWriteArrayList<>();
    private final List<Table> tables = new ArrayList<>();
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
                    List<StepRun> runs = compiled.runs(stage.from(), stage.to(), host::table, states::get);
                    tasks.add(new Task(this, stage, topic, p, start, runs, List.copyOf(states.values())));
                }
            }
        }
        started = true;
        tasks.forEach(Task::wake);
    }

    /** Stops the tasks and waits (up to the timeout) for their in-flight commits. */
    void stop(long timeoutMs) {
        started = false;
        tasks.forEach(Task::stop);
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

    /** A task failed in a way no retry fixes (a commit refused or failed): the pipeline stops, with the reason. */
    void fail(Task task, String why, Throwable cause) {
        if (state == PipelineStatus.State.FAILED) {
            return;
        }
        LOG.error("pipeline '{}' stopped: {}", pipeline.name(), why, cause);
        state = PipelineStatus.State.FAILED;
        failure = why;
        tasks.forEach(Task::stop);
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
                metrics.deadLettered.sum());
    }
}
