package dev.faucet.engine.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Pipeline;
import dev.faucet.log.Commit;
import dev.faucet.log.Header;
import dev.faucet.log.Log;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One input partition of one stage of a pipeline: reads a batch from its position, runs the stage's steps on each
 * record, and commits outputs, dead letters, state changes and its next position as the pipeline's guarantee says.
 * Commits are pipelined (at most {@link #MAX_IN_FLIGHT} per task) so that a task reads its next batch while the
 * previous one is being made durable.
 *
 * <p>A task runs on one worker thread at a time ({@link #run}); commit completions arrive on the log's
 * acknowledgement thread and only count down and wake the task.
 */
final class Task implements Runnable {
    static final int MAX_IN_FLIGHT = Integer.getInteger("faucet.pipeline.maxInFlight", 4);
    /** A task snapshots a state after this many changes, when it is between batches with nothing in flight. */
    static final long SNAPSHOT_EVERY = 10_000;
    static final String H_TOPIC = "faucet-source-topic";
    static final String H_PARTITION = "faucet-source-partition";
    static final String H_OFFSET = "faucet-source-offset";
    static final String H_PIPELINE = "faucet-pipeline";
    static final String H_VERSION = "faucet-pipeline-version";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Header BATCH_END = Header.of(SinkTask.H_BATCH_END, "1");

    final RunningPipeline owner;
    final Stage stage;
    final String topic;
    final int partition;
    /** The task's place among its stage's input partitions: its partition of the stage's state and sink queues. */
    final int index;
    private final List<StepRun> runs;
    private final List<DedupeState> states;
    private long position;
    private volatile long committed;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean wanted;
    private volatile boolean stopped;
    private volatile boolean fenced;
    private final SerialExecutor serial;
    /** Set when a record failed under {@code onFailure: fail}: the pipeline stops once the batch before it is in. */
    private String stopReason;
    private long stopOffset;
    /** True while {@link #run} works on a batch: a stop waits for it, so a stopped task never commits later. */
    private volatile boolean busy;
    private long lastExpiry;
    private long maxEventTime = Long.MIN_VALUE;
    /** The step running now (index in the stage), or -1 while decoding: where a failure happened. */
    private int at;
    private final Header topicHeader;
    private final Header partitionHeader;
    private final Header pipelineHeader;
    private final Header versionHeader;
    private final long[] stepIn;
    private final long[] stepOut;
    private final long[] stepNanos;
    private long counted;
    private long stepInput;

    /** A task's compiled steps and the keyed states they use. */
    record Work(List<StepRun> runs, List<DedupeState> states) {
    }

    Task(RunningPipeline owner, Stage stage, String topic, int partition, long position, Work work, int index) {
        List<StepRun> runs = work.runs();
        List<DedupeState> states = work.states();
        this.owner = owner;
        this.index = index;
        this.stage = stage;
        this.topic = topic;
        this.partition = partition;
        this.position = position;
        this.committed = position;
        this.runs = runs;
        this.states = states;
        this.serial = new SerialExecutor(owner.host.workers);
        this.topicHeader = Header.of(H_TOPIC, topic);
        this.partitionHeader = Header.of(H_PARTITION, Integer.toString(partition));
        this.pipelineHeader = Header.of(H_PIPELINE, owner.pipeline.name());
        this.versionHeader = Header.of(H_VERSION, owner.pipeline.version());
        this.stepIn = new long[runs.size()];
        this.stepOut = new long[runs.size()];
        this.stepNanos = new long[runs.size()];
    }

    long committed() {
        return committed;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Whether the task may still commit: it is in a run, or a commit of it is not finished. */
    boolean active() {
        return busy || inFlight.get() > 0;
    }

    /** Asks for a run soon; cheap and safe from any thread. */
    void wake() {
        wanted = true;
        if (!stopped && queued.compareAndSet(false, true)) {
            owner.host.workers.execute(this);
        }
    }

    void stop() {
        stopped = true;
    }

    /** After a stop that timed out: this task must never commit again, whatever it is still doing. */
    void fence() {
        stopped = true;
        fenced = true;
    }

    @Override
    public void run() {
        wanted = false;
        boolean more = false;
        busy = true;
        try {
            if (!stopped && inFlight.get() == 0) {
                snapshotStates(SNAPSHOT_EVERY);
            }
            if (!stopped && inFlight.get() < MAX_IN_FLIGHT && owner.canProcess()
                    && !owner.sinkQueueFull(stage, index)) {
                more = runBatch();
            }
        } catch (RuntimeException e) {
            owner.fail(this, "the task for " + topic + "/" + partition + " failed unexpectedly: " + e, e);
        } finally {
            busy = false;
            queued.set(false);
        }
        if ((more || wanted) && !stopped && inFlight.get() < MAX_IN_FLIGHT) {
            wake();
        }
    }

    /** Processes one batch; true when it read a full one (there may be more). */
    private boolean runBatch() {
        List<LogRecord> batch = owner.host.log.read(topic, partition, position, owner.host.batchRecords);
        if (batch.isEmpty()) {
            return false;
        }
        Batch out = new Batch();
        long next = position;
        for (LogRecord lr : batch) {
            if (out.bytes > owner.host.maxCommitBytes) {
                break;
            }
            if (stage.index() == 0) {
                stepInput++;
            }
            if (!process(lr, out)) {
                // Stopped at this record (onFailure: fail): commit what came before it, then stop the pipeline.
                flushCounts();
                stopped = true;
                commit(out, lr.offset());
                return false;
            }
            next = lr.offset() + 1;
        }
        flushCounts();
        expireState(out);
        commit(out, next);
        return batch.size() >= owner.host.batchRecords;
    }

    /** Runs the steps on one record, with retries; false when the pipeline must stop at it. */
    private boolean process(LogRecord lr, Batch out) {
        Rec r;
        try {
            r = decode(lr);
        } catch (StepRun.StepFailure f) {
            return failed(lr, null, "input", f.outcome(), 1, out);
        }
        out.timestamps.add(lr.timestampMs());
        int attempts = 0;
        while (true) {
            attempts++;
            RecordEffects fx = new RecordEffects(out.mark());
            at = -1;
            try {
                runSteps(attempts == 1 ? r : decode(lr), fx);
                fx.finish(out, this);
                return true;
            } catch (StepRun.StepFailure f) {
                out.reset(fx.mark);
                String step = at < 0 ? "input" : Pipeline.stepId(stage.from() + at, owner.pipeline.steps()
                        .get(stage.from() + at));
                if (f.outcome().retryable() && attempts <= owner.pipeline.errors().retries()) {
                    backoff(attempts, at);
                    continue;
                }
                fx.keepBeforeFailure(out, this);
                return failed(lr, r, step, f.outcome(), attempts, out);
            } catch (RuntimeException e) {
                out.reset(fx.mark);
                int stepIndex = at < 0 ? 0 : stage.from() + at;
                String step = Pipeline.stepId(stepIndex, owner.pipeline.steps().get(stepIndex));
                if (attempts <= owner.pipeline.errors().retries()) {
                    backoff(attempts, at);
                    continue;
                }
                return failed(lr, r, step, new Outcome(Outcome.STEP_FAILED, String.valueOf(e), true), attempts, out);
            }
        }
    }

    private void runSteps(Rec current, RecordEffects fx) {
        // Counted per batch and added to the step metrics once (flushCounts): a LongAdder per step and record cost
        // as much as a cheap step. Step time is measured on one record in eight.
        boolean timed = (counted++ & 7) == 0;
        for (int i = 0; i < runs.size(); i++) {
            at = i;
            stepIn[i]++;
            long t0 = timed ? System.nanoTime() : 0;
            boolean goOn = runs.get(i).apply(current, fx);
            if (timed) {
                stepNanos[i] += (System.nanoTime() - t0) * 8;
            }
            if (!goOn) {
                if (fx.dropReason != null) {
                    owner.metrics.step(stage.from() + i).dropped(fx.dropReason);
                    owner.metrics.dropped(fx.dropReason);
                } else {
                    stepOut[i]++;
                }
                return;
            }
            stepOut[i]++;
        }
    }

    /** Adds the batch's step counts to the step metrics. */
    private void flushCounts() {
        owner.metrics.in.add(stepInput);
        stepInput = 0;
        for (int i = 0; i < runs.size(); i++) {
            StepMetrics m = owner.metrics.step(stage.from() + i);
            if (stepIn[i] != 0) {
                m.in.add(stepIn[i]);
                m.out.add(stepOut[i]);
                m.nanos.add(stepNanos[i]);
                stepIn[i] = 0;
                stepOut[i] = 0;
                stepNanos[i] = 0;
            }
        }
    }

    private void backoff(int attempt, int step) {
        if (step >= 0) {
            owner.metrics.step(stage.from() + Math.max(0, step)).retries.increment();
        }
        long base = owner.pipeline.errors().backoff().toMillis();
        long max = owner.pipeline.errors().maxBackoff().toMillis();
        long cap = Math.min(max, base << Math.min(20, attempt - 1));
        long sleep = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1); // full jitter
        try {
            long until = System.nanoTime() + sleep * 1_000_000;
            while (!stopped && System.nanoTime() < until) {
                Thread.sleep(Math.min(20, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }

    /** A record that failed for good: to the dead letters, or the pipeline stops at it. */
    private boolean failed(LogRecord lr, Rec r, String step, Outcome outcome, int attempts, Batch out) {
        if (at >= 0) {
            owner.metrics.step(stage.from() + at).failed.increment();
        }
        Source src = source(lr);
        if (owner.pipeline.errors().onFailure() == dev.faucet.engine.ErrorPolicy.OnFailure.FAIL) {
            stopReason = src.describe() + " failed at " + step + ": " + outcome.type() + ": " + outcome.message();
            stopOffset = lr.offset();
            return false;
        }
        // A later stage reads what an earlier stage wrote; the dead letter carries the record as it was published.
        LogRecord original = stage.index() > 0 ? original(owner.host.log, src, lr) : lr;
        byte[] letter = DeadLetters.value(original, src, owner.pipeline.name(), new DeadLetters.Failure(step, outcome,
                attempts), owner.host.clock.millis(), owner.host.maxRecordBytes);
        List<Header> headers = lineage(original.headers(), src);
        out.add(owner.pipeline.deadLetterTopic(), new NewRecord(original.key(), letter, headers, original.timestampMs(),
                NewRecord.ANY_PARTITION));
        owner.metrics.deadLettered.increment();
        return true;
    }

    /** The input record at {@code src}, or {@code fallback} when retention has removed it. */
    static LogRecord original(Log log, Source src, LogRecord fallback) {
        try {
            List<LogRecord> r = log.read(src.topic(), src.partition(), src.offset(), 1);
            return !r.isEmpty() && r.get(0).offset() == src.offset() ? r.get(0) : fallback;
        } catch (LogException e) {
            return fallback;
        }
    }

    /** The record as the steps see it; its value must be JSON. */
    private Rec decode(LogRecord lr) {
        Source src = source(lr);
        if (lr.value() == null) {
            throw new StepRun.StepFailure(Outcome.permanent(Outcome.NOT_JSON, "the record has no value (a"
                    + " tombstone)"));
        }
        JsonNode value;
        try {
            value = JSON.readTree(lr.value());
        } catch (IOException e) {
            throw new StepRun.StepFailure(Outcome.permanent(Outcome.NOT_JSON, "the value is not JSON: "
                    + firstLine(e)));
        }
        if (value == null || value.isMissingNode()) {
            throw new StepRun.StepFailure(Outcome.permanent(Outcome.NOT_JSON, "the value is empty"));
        }
        Rec r = new Rec(value, lr.value(), lr.keyAsString(), lr.headers(), lr.timestampMs(), src);
        r.eventTimeMs = eventTime(r);
        return r;
    }

    private long eventTime(Rec r) {
        String field = owner.pipeline.time().field();
        if (field == null) {
            return r.timestampMs;
        }
        JsonNode v = r.value.get(field);
        if (v != null && v.isNumber()) {
            return v.asLong();
        }
        if (v != null && v.isTextual()) {
            try {
                return Instant.parse(v.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new StepRun.StepFailure(Outcome.permanent(Outcome.BAD_EVENT_TIME, "event time field '" + field
                        + "' is '" + v.asText() + "', not an RFC 3339 time or epoch milliseconds"));
            }
        }
        throw new StepRun.StepFailure(Outcome.permanent(Outcome.BAD_EVENT_TIME, "the record has no event time field '"
                + field + "'"));
    }

    private static String firstLine(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.toString() : m.lines().findFirst().orElse(m);
    }

    /** Where a record came from: its lineage headers when an earlier stage of this pipeline wrote it. */
    private Source source(LogRecord lr) {
        if (stage.index() > 0) {
            String t = header(lr, H_TOPIC);
            String p = header(lr, H_PARTITION);
            String o = header(lr, H_OFFSET);
            if (t != null && p != null && o != null) {
                try {
                    return new Source(t, Integer.parseInt(p), Long.parseLong(o));
                } catch (NumberFormatException e) {
                    // not ours: fall through to the record's own position
                }
            }
        }
        return new Source(topic, partition, lr.offset());
    }

    static String header(LogRecord lr, String name) {
        for (Header h : lr.headers()) {
            if (h.name().equals(name)) {
                return h.valueAsString();
            }
        }
        return null;
    }

    List<Header> lineage(List<Header> in, Source src) {
        List<Header> out = new ArrayList<>(in.size() + 5);
        for (Header h : in) {
            if (!h.name().startsWith("faucet-source-") && !h.name().equals(H_PIPELINE) && !h.name().equals(H_VERSION)) {
                out.add(h);
            }
        }
        // Headers are immutable once built, so the ones that name this task's input and pipeline are shared.
        boolean own = src.topic.equals(topic) && src.partition == partition;
        out.add(own ? topicHeader : Header.of(H_TOPIC, src.topic));
        out.add(own ? partitionHeader : Header.of(H_PARTITION, Integer.toString(src.partition)));
        out.add(Header.of(H_OFFSET, Long.toString(src.offset)));
        out.add(pipelineHeader);
        out.add(versionHeader);
        return out;
    }

    NewRecord output(Rec r) {
        Source src = new Source(r.sourceTopic, r.sourcePartition, r.sourceOffset);
        List<Header> headers = lineage(r.rawHeaders, src);
        byte[] value;
        try {
            // Unchanged values go out as they came in: no second encoding, and the publisher's bytes kept exactly.
            value = r.changed ? JSON.writeValueAsBytes(r.value) : r.original;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialise", e);
        }
        byte[] key = r.key == null ? null : r.key.getBytes(StandardCharsets.UTF_8);
        return new NewRecord(key, value, headers, r.timestampMs, NewRecord.ANY_PARTITION);
    }

    private void expireState(Batch out) {
        if (states.isEmpty() || maxEventTime == Long.MIN_VALUE) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastExpiry < 1_000_000_000L) {
            return;
        }
        lastExpiry = now;
        long slack = owner.pipeline.time().maxOutOfOrder().toMillis();
        for (DedupeState s : states) {
            s.expire(maxEventTime - s.withinMs - slack, key -> out.state(s, key, null));
        }
    }

    /** Snapshots each state with at least {@code minChanges} changes; only with no commit in flight. */
    void snapshotStates(long minChanges) {
        for (DedupeState s : states) {
            if (s.changes >= minChanges && s.changes > 0) {
                owner.host.snapshot(s);
            }
        }
    }

    void sawEventTime(long t) {
        maxEventTime = Math.max(maxEventTime, t);
    }

    /** Commits a batch as the guarantee says; {@code next} is the position after it. */
    private void commit(Batch out, long next) {
        if (fenced) {
            return; // stopped and given up on: another task may own this partition now
        }
        position = next;
        if (out.isEmpty() && next == committed && inFlight.get() == 0) {
            stopIfAsked();
            return;
        }
        String group = owner.pipeline.group();
        Guarantee g = owner.pipeline.guarantee();
        Commit.Builder data = Commit.builder();
        out.appends.forEach((t, records) -> data.append(t, out.batchEnds.containsKey(t) ? markBatches(records,
                out.batchEnds.get(t)) : records));
        long[] timestamps = out.timestamps.toArray();
        inFlight.incrementAndGet();
        CompletableFuture<?> done;
        try {
            done = switch (g) {
                case EXACTLY_ONCE -> owner.host.log.commitInternal(data.offset(group, topic, partition, next).build());
                // The second commit is submitted from a worker (submitting may wait for room in the log's queue,
                // and the log's acknowledgement thread must never wait), through this task's serial queue, so the
                // second commits of successive batches keep their order (positions never go back, a key's outputs
                // stay in input order).
                // A fenced task skips its second commit: at-least-once then repeats, at-most-once then loses, as
                // each allows; neither commits over a successor.
                case AT_LEAST_ONCE -> owner.host.log.commitInternal(data.build()).thenComposeAsync(x -> fenced
                        ? CompletableFuture.completedFuture(null) : owner.host.log.commitOffsets(List.of(
                        new dev.faucet.log.GroupOffset(group, topic, partition, next))), serial);
                case AT_MOST_ONCE -> owner.host.log.commitOffsets(List.of(new dev.faucet.log.GroupOffset(group, topic,
                        partition, next))).thenComposeAsync(x -> fenced ? CompletableFuture.completedFuture(null)
                        : owner.host.log.commitInternal(data.build()), serial);
            };
        } catch (LogException e) {
            inFlight.decrementAndGet();
            owner.fail(this, "the pipeline's commit was refused: " + e.getMessage(), e);
            return;
        }
        List<String> touched = new ArrayList<>(out.appends.keySet());
        done.whenComplete((ok, failure) -> onCommitted(failure, next, out.outputs, timestamps, touched));
    }

    /**
     * Marks where a sink's batches end: every {@code size} records and at the end of this commit. The marks are
     * committed with the records, so a sink that delivers batches under one Idempotency-Key delivers the same
     * batches after a crash.
     */
    private static List<NewRecord> markBatches(List<NewRecord> records, int size) {
        List<NewRecord> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i);
            if ((i + 1) % size == 0 || i == records.size() - 1) {
                List<Header> h = new ArrayList<>(r.headers());
                h.add(BATCH_END);
                r = new NewRecord(r.key(), r.value(), h, r.timestampMs(), r.partition());
            }
            out.add(r);
        }
        return out;
    }

    /** A commit's completion, on the log's acknowledgement thread: record it, wake the task; never block. */
    private void onCommitted(Throwable failure, long next, long outputs, long[] timestamps, List<String> touched) {
        // inFlight goes down last, so a stop that waits for it also waits for what this callback records
        try {
            if (fenced) {
                return; // a successor owns this partition now: record nothing, release nothing
            }
            if (failure != null) {
                owner.fail(this, "the pipeline's commit failed: " + failure.getMessage(), failure);
                return;
            }
            committed = Math.max(committed, next);
            if (stage.index() > 0) {
                // this stage is the only reader of its repartition topic: what it committed past may go
                owner.host.log.releaseBefore(topic, partition, next);
            }
            owner.committed(this, outputs, timestamps);
            touched.forEach(owner.host::signal);
            if (inFlight.get() == 1) {
                stopIfAsked();
            }
        } finally {
            inFlight.decrementAndGet();
        }
        wake();
    }

    private void stopIfAsked() {
        if (stopReason != null) {
            String why = stopReason;
            stopReason = null;
            owner.stopAt(this, stopOffset, why);
        }
    }

    /** Where a record came from, for lineage and dead letters. */
    record Source(String topic, int partition, long offset) {
        String describe() {
            return "record " + topic + "/" + partition + "@" + offset;
        }
    }

    /** What one batch commits: appends per topic (outputs, dead letters, changelogs) and the records' timestamps. */
    static final class Batch {
        final Map<String, List<NewRecord>> appends = new LinkedHashMap<>();
        /** Sink queues whose batches are marked, with their batch size. */
        final Map<String, Integer> batchEnds = new java.util.HashMap<>(2);
        final LongList timestamps = new LongList();
        long bytes;
        long outputs;
        private final List<Object[]> journal = new ArrayList<>();

        void add(String topic, NewRecord r) {
            appends.computeIfAbsent(topic, t -> new ArrayList<>()).add(r);
            journal.add(new Object[] {topic});
            bytes += size(r);
        }

        void state(DedupeState s, String key, Long eventTime) {
            s.apply(key, eventTime);
            // the changelog gets the value the state now holds (the latest time seen), not this record's time
            add(s.changelogTopic, new NewRecord(key.getBytes(StandardCharsets.UTF_8), DedupeState.encode(
                    s.entries().get(key)), List.of(), NewRecord.NO_TIMESTAMP, s.partition));
        }

        int mark() {
            return journal.size();
        }

        /** Takes back what was added since {@code mark} (a record being retried). */
        void reset(int mark) {
            while (journal.size() > mark) {
                String t = (String) journal.remove(journal.size() - 1)[0];
                List<NewRecord> l = appends.get(t);
                l.remove(l.size() - 1);
                if (l.isEmpty()) {
                    appends.remove(t);
                }
            }
        }

        boolean isEmpty() {
            return appends.isEmpty();
        }
    }

    /** A record's effects, kept aside until the record is done so that a retry starts clean. */
    final class RecordEffects implements StepRun.Effects {
        final int mark;
        String dropReason;
        private final List<Object[]> pending = new ArrayList<>();

        RecordEffects(int mark) {
            this.mark = mark;
        }

        @Override
        public void emit(String topic, Rec r) {
            pending.add(new Object[] {topic, output(r)});
        }

        @Override
        public void repartition(Rec r) {
            pending.add(new Object[] {stage.repartitionTopic(), output(r)});
        }

        @Override
        public void deliver(String queue, int batch, Rec r) {
            NewRecord rec = output(r);
            pending.add(new Object[] {queue, new NewRecord(rec.key(), rec.value(), rec.headers(), rec.timestampMs(),
                    index), batch});
        }

        @Override
        public void drop(String reason) {
            dropReason = reason;
        }

        @Override
        public void state(DedupeState store, String key, Long value) {
            pending.add(new Object[] {store, key, value});
        }

        /** The record is done: its outputs and state changes join the batch (sizes checked before anything). */
        void finish(Batch out, Task task) {
            for (Object[] p : pending) {
                if (p[1] instanceof NewRecord rec && tooLarge(rec)) {
                    throw new StepRun.StepFailure(Outcome.permanent(Outcome.TOO_LARGE, "the output to '" + p[0]
                            + "' would be " + size(rec) + " bytes; the log's record limit is "
                            + owner.host.maxRecordBytes));
                }
            }
            for (Object[] p : pending) {
                if (p[0] instanceof DedupeState s) {
                    out.state(s, (String) p[1], (Long) p[2]);
                    if (p[2] != null) {
                        task.sawEventTime((Long) p[2]);
                    }
                } else {
                    out.add((String) p[0], (NewRecord) p[1]);
                    if (p.length > 2 && (Integer) p[2] > 1) {
                        out.batchEnds.put((String) p[0], (Integer) p[2]);
                    }
                    if (!((String) p[0]).startsWith("__faucet.")) {
                        out.outputs++;
                    }
                }
            }
        }

        /** The record failed for good after some steps: what it emitted before is not kept (it is a dead letter). */
        void keepBeforeFailure(Batch out, Task task) {
            pending.clear();
        }

        private boolean tooLarge(NewRecord rec) {
            return size(rec) > owner.host.maxRecordBytes - 64;
        }
    }

    /** A record's size as the log counts it: key, value and headers, encoded. */
    static long size(NewRecord r) {
        long n = (r.value() == null ? 0 : r.value().length) + (r.key() == null ? 0 : r.key().length) + 32;
        for (Header h : r.headers()) {
            n += h.name().length() * 3L + (h.value() == null ? 0 : h.value().length) + 8;
        }
        return n;
    }

    /** Runs tasks one at a time, in the order given, on a shared pool. */
    static final class SerialExecutor implements java.util.concurrent.Executor {
        private final java.util.concurrent.Executor pool;
        private final java.util.Queue<Runnable> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();

        SerialExecutor(java.util.concurrent.Executor pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable r) {
            queue.add(r);
            schedule();
        }

        private void schedule() {
            if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
                pool.execute(this::drain);
            }
        }

        private void drain() {
            try {
                Runnable r;
                while ((r = queue.poll()) != null) {
                    r.run();
                }
            } finally {
                draining.set(false);
                schedule();
            }
        }
    }

    /** A growable list of longs. */
    static final class LongList {
        private long[] a = new long[64];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
