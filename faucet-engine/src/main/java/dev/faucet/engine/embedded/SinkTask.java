package dev.faucet.engine.embedded;

import dev.faucet.engine.Guarantee;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Sink;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.SinkContext;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkRecord;
import dev.faucet.engine.Step;
import dev.faucet.log.Commit;
import dev.faucet.log.Header;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one partition of a sink's queue (the internal topic the pipeline's {@code sink} step commits to) to the
 * sink, on its own thread: a sink may block (a database, an endpoint timing out) without holding up any pipeline
 * worker. Everything around the sink is here, not in connectors: retries with exponential backoff and full jitter
 * (at least the target's {@code Retry-After}), the circuit breaker, dead letters for rejected records, metrics, and
 * the position.
 *
 * <p>Positions: after a batch is delivered the task commits its next offset as the pipeline's group offset on the
 * queue partition (then releases what is before it). A transactional sink also stores the position with its data
 * and {@link Sink#open} returns it; the task starts at the later of the two. Under at-most-once the position is
 * committed before the batch is delivered.
 *
 * <p>Retryable failures (the target down, slow or overloaded) are retried for as long as they last: a batch is
 * never dead-lettered because its target was unavailable. After {@code breaker.failures} failed attempts in a row
 * the breaker opens: the task waits {@code breaker.pause}, then tries once more (half open). Rejected records (the
 * target refuses their data) go to the dead letters at once.
 */
final class SinkTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkTask.class);
    static final String H_BATCH_END = "faucet-batch-end";
    /** Most records the task reads at once when the sink takes whole reads (not reproducible batches). */
    private static final int READ_LIMIT = 1000;

    final RunningPipeline owner;
    final int step;
    final String name;
    final String topic;
    final int partition;
    private final Step.Deliver spec;
    private final Sink sink;
    private final SinkMetrics metrics;
    private final int batchSize;
    private final boolean chunked;
    private final int breakerFailures;
    private final long breakerPauseMs;
    private volatile boolean stopped;
    private volatile boolean signalled;
    private volatile Thread thread;
    private volatile String error;
    private volatile long breakerOpenUntil;
    /** The next offset delivered and committed (status, backpressure); -1 before the sink is open. */
    private volatile long position = -1;
    /** The next offset to read: ahead of {@link #position} while a position commit is in flight. */
    private long readFrom;
    /** The position commit in flight: at most one, so positions land in order and never go back. */
    private java.util.concurrent.CompletableFuture<?> inFlight = java.util.concurrent.CompletableFuture
            .completedFuture(null);
    private int failuresInRow;

    SinkTask(RunningPipeline owner, int step, Step.Deliver spec, String topic, int partition, Sink sink,
            SinkMetrics metrics) {
        this.owner = owner;
        this.step = step;
        this.spec = spec;
        this.name = dev.faucet.engine.Pipeline.sinkName(step, spec);
        this.topic = topic;
        this.partition = partition;
        this.sink = sink;
        this.metrics = metrics;
        this.batchSize = (int) spec.config().number("batch", 1);
        // A sink that keeps its own positions takes any batch; the others get the batches the pipeline's commit
        // marked, so that a batch's identity (its Idempotency-Key) is the same after a crash.
        this.chunked = !sink.capabilities().contains(Sink.Capability.TRANSACTIONAL);
        var breaker = spec.settings().path("breaker");
        this.breakerFailures = breaker.path("failures").asInt(5);
        this.breakerPauseMs = breaker.path("pause").asLong(30_000);
    }

    void start() {
        Thread t = new Thread(this, "faucet-sink-" + owner.pipeline.name() + "-" + name + "-" + partition);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void wake() {
        signalled = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    void stop() {
        stopped = true;
        wake();
    }

    /** Waits for the task's thread to end (it ends after the attempt in progress). */
    boolean join(long timeoutMs) {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        try {
            t.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /** The next offset to deliver, or -1 before the sink is open. */
    long position() {
        return position;
    }

    @Override
    public void run() {
        try {
            if (!open()) {
                return;
            }
            while (!stopped) {
                if (!owner.canDeliver()) {
                    idle(100);
                    continue;
                }
                List<LogRecord> read = next();
                if (read.isEmpty()) {
                    idle(200);
                    continue;
                }
                deliverRead(read);
            }
            awaitCommit();
        } catch (RuntimeException e) {
            owner.fail(null, "sink '" + name + "' (partition " + partition + ") failed unexpectedly: " + e, e);
        } finally {
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.warn("closing sink '{}' of pipeline '{}': {}", name, owner.pipeline.name(), e.toString());
            }
        }
    }

    /** Opens the sink, retrying while it cannot; false when stopped first. */
    private boolean open() {
        long start = owner.host.log.committedOffset(owner.pipeline.group(), topic, partition).orElse(0L);
        int attempts = 0;
        while (!stopped) {
            try {
                Map<Integer, Long> own = sink.open(new SinkContext(owner.pipeline.name(), name,
                        owner.host.queueIdentity(topic), partition, owner.pipeline.guarantee(), spec.config()));
                Long stored = own.get(partition);
                long end = owner.host.log.topic(topic).map(t -> t.partitions().get(partition).endOffset()).orElse(0L);
                if (stored != null && stored > end) {
                    LOG.warn("sink '{}' of pipeline '{}' stores position {} for {}/{}, past its end {}: the queue was"
                            + " made anew (the pipeline was deleted and deployed again); starting at {}", name,
                            owner.pipeline.name(), stored, topic, partition, end, start);
                    sink.restart(partition, start);
                } else if (stored != null) {
                    start = Math.max(start, stored);
                }
                position = Math.max(start, owner.host.log.topic(topic).map(t -> t.partitions().get(partition)
                        .startOffset()).orElse(0L));
                readFrom = position;
                error = null;
                succeeded();
                return true;
            } catch (SinkException e) {
                attempts++;
                String why = "cannot open: " + e.getMessage();
                if (!why.equals(error)) {
                    LOG.warn("sink '{}' of pipeline '{}': {}", name, owner.pipeline.name(), why);
                }
                error = why;
                failedAttempt(attempts, null);
            } catch (RuntimeException e) {
                attempts++;
                error = "cannot open: " + e;
                LOG.warn("sink '{}' of pipeline '{}': {}", name, owner.pipeline.name(), error, e);
                failedAttempt(attempts, null);
            }
        }
        return false;
    }

    /** The next records from the read position: a whole read (at most the batch size for a transactional sink). */
    private List<LogRecord> next() {
        int limit = !chunked ? batchSize : Math.max(READ_LIMIT, batchSize);
        return owner.host.log.read(topic, partition, readFrom, limit);
    }

    /**
     * Delivers one read: as one batch to a transactional sink, else batch by batch as the pipeline's commit marked
     * them (or record by record, sent concurrently by the sink); then commits the position after the read, without
     * waiting for it (the next read is delivered meanwhile; a crash before it lands delivers again, which an
     * idempotent or transactional sink absorbs).
     */
    private void deliverRead(List<LogRecord> read) {
        long next = read.get(read.size() - 1).offset() + 1;
        boolean atMostOnce = owner.pipeline.guarantee() == Guarantee.AT_MOST_ONCE;
        if (atMostOnce) {
            awaitCommit();
            commitPosition(next, List.of());
            awaitCommit();
        }
        List<NewRecord> letters = new ArrayList<>();
        for (List<LogRecord> batch : batches(read)) {
            if (!deliver(batch, batch.get(batch.size() - 1).offset() + 1, letters)) {
                return; // stopped before it was delivered: a successor starts at the committed position
            }
        }
        readFrom = next;
        if (!atMostOnce) {
            awaitCommit();
            commitPosition(next, letters);
        } else if (!letters.isEmpty()) {
            commitLetters(letters);
        }
    }

    private List<List<LogRecord>> batches(List<LogRecord> read) {
        if (!chunked || batchSize == 1) {
            return List.of(read);
        }
        List<List<LogRecord>> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < read.size(); i++) {
            // A commit's batch is visible whole, marker included; records without one were queued before the
            // batch setting changed, and go in batches of the read's size.
            if (Task.header(read.get(i), H_BATCH_END) != null || i - from + 1 >= batchSize) {
                out.add(read.subList(from, i + 1));
                from = i + 1;
            }
        }
        if (from < read.size()) {
            out.add(read.subList(from, read.size()));
        }
        return out;
    }

    private void awaitCommit() {
        await(inFlight, "committing the position");
    }

    /** Waits for a log commit of this sink; a commit that fails or hangs fails the pipeline (the log is broken). */
    private void await(java.util.concurrent.Future<?> commit, String doing) {
        try {
            commit.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + doing + " of sink '" + name + "'", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(doing + " of sink '" + name + "' failed: " + e, e);
        }
    }

    /** Delivers one batch with retries; rejected records join {@code letters}. False when stopped first. */
    private boolean deliver(List<LogRecord> batch, long next, List<NewRecord> letters) {
        List<SinkRecord> remaining = new ArrayList<>(batch.size());
        Map<SinkRecord, LogRecord> raw = new java.util.IdentityHashMap<>();
        for (LogRecord lr : batch) {
            SinkRecord r = record(lr);
            remaining.add(r);
            raw.put(r, lr);
        }
        String id = batchId(remaining);
        int attempts = 0;
        while (!remaining.isEmpty() && !stopped) {
            attempts++;
            long t0 = System.nanoTime();
            try {
                sink.write(new SinkBatch(id, partition, remaining, next));
                metrics.written(remaining.size(), System.nanoTime() - t0);
                remaining = List.of();
                error = null;
                succeeded();
            } catch (SinkException e) {
                metrics.failedAttempt(System.nanoTime() - t0);
                remaining = failed(e, remaining, raw, letters, attempts);
            } catch (RuntimeException e) {
                metrics.failedAttempt(System.nanoTime() - t0);
                error = "the sink failed unexpectedly: " + e;
                LOG.warn("sink '{}' of pipeline '{}': {}", name, owner.pipeline.name(), error, e);
                metrics.retries.increment();
                failedAttempt(attempts, null);
            }
        }
        return remaining.isEmpty();
    }

    /** What is left to try after a failed attempt; rejected records become dead letters. */
    private List<SinkRecord> failed(SinkException e, List<SinkRecord> remaining, Map<SinkRecord, LogRecord> raw,
            List<NewRecord> letters, int attempts) {
        List<SinkRecord> retry = new ArrayList<>();
        int delivered = remaining.size();
        int lettersBefore = letters.size();
        for (int i : e.failedIndexes(remaining.size())) {
            delivered--;
            SinkException f = e.of(i);
            if (f.retryable()) {
                retry.add(remaining.get(i));
            } else {
                letters.add(letter(raw.get(remaining.get(i)), remaining.get(i), f, attempts));
            }
        }
        metrics.delivered(delivered);
        boolean rejectedNow = letters.size() > lettersBefore;
        if (!letters.isEmpty() && !retry.isEmpty()) {
            // A transactional sink stores the position with the rows that are left: the dead letters must be in
            // the log before that.
            commitLetters(letters);
            letters.clear();
        }
        if (!retry.isEmpty() && !rejectedNow) {
            error = e.getMessage();
            metrics.retries.increment();
            failedAttempt(attempts, e.retryAfter());
        }
        // After a rejection the rest is tried again at once: it was held back only so that the dead letters come
        // first (a transactional sink cannot take its rows back once committed).
        return retry;
    }

    private String batchId(List<SinkRecord> records) {
        String first = records.get(0).id(owner.pipeline.name());
        return records.size() == 1 ? first : first + "/" + records.size();
    }

    /** Submits the position (and dead letters) as one log commit; {@link #awaitCommit} waits for it. */
    private void commitPosition(long next, List<NewRecord> letters) {
        Commit.Builder c = Commit.builder();
        if (!letters.isEmpty()) {
            c.append(owner.pipeline.deadLetterTopic(), List.copyOf(letters));
        }
        c.offset(owner.pipeline.group(), topic, partition, next);
        int lettered = letters.size();
        try {
            inFlight = owner.host.log.commitInternal(c.build()).thenRun(() -> {
                metrics.deadLettered.add(lettered);
                position = next;
                owner.host.log.releaseBefore(topic, partition, next);
                owner.sinkAdvanced(this);
            });
        } catch (LogException e) {
            throw new IllegalStateException("committing the position of sink '" + name + "' failed: " + e, e);
        }
    }

    private void commitLetters(List<NewRecord> letters) {
        try {
            await(owner.host.log.commitInternal(Commit.builder().append(owner.pipeline.deadLetterTopic(), letters)
                    .build()), "writing dead letters");
        } catch (LogException e) {
            throw new IllegalStateException("writing dead letters of sink '" + name + "' failed: " + e, e);
        }
        metrics.deadLettered.add(letters.size());
    }

    private NewRecord letter(LogRecord queued, SinkRecord r, SinkException f, int attempts) {
        Task.Source src = new Task.Source(r.source().topic(), r.source().partition(), r.source().offset());
        LogRecord original = Task.original(owner.host.log, src, queued);
        byte[] value = DeadLetters.value(original, src, owner.pipeline.name(), new DeadLetters.Failure(
                dev.faucet.engine.Pipeline.stepId(step, spec), new Outcome(f.type(), f.getMessage(), false),
                attempts), owner.host.clock.millis(), owner.host.maxRecordBytes);
        return new NewRecord(original.key(), value, original.headers(), original.timestampMs(),
                NewRecord.ANY_PARTITION);
    }

    private SinkRecord record(LogRecord lr) {
        String t = Task.header(lr, Task.H_TOPIC);
        String p = Task.header(lr, Task.H_PARTITION);
        String o = Task.header(lr, Task.H_OFFSET);
        SinkRecord.Source source;
        try {
            source = new SinkRecord.Source(t, Integer.parseInt(p), Long.parseLong(o));
        } catch (NumberFormatException | NullPointerException e) {
            source = new SinkRecord.Source(topic, partition, lr.offset());
        }
        return new SinkRecord(partition, lr.offset(), source, lr.keyAsString(), lr.value(), new LazyHeaders(lr),
                lr.timestampMs());
    }

    /**
     * A record's headers (the batch marker left out) as a map made on first use: most sinks never look at them, and
     * decoding every header of every record was a tenth of a database sink's time.
     */
    private static final class LazyHeaders extends java.util.AbstractMap<String, String> {
        private final LogRecord record;
        private Map<String, String> map;

        LazyHeaders(LogRecord record) {
            this.record = record;
        }

        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            if (map == null) {
                Map<String, String> m = new LinkedHashMap<>();
                for (Header h : record.headers()) {
                    if (!h.name().equals(H_BATCH_END)) {
                        m.put(h.name(), h.valueAsString());
                    }
                }
                map = java.util.Collections.unmodifiableMap(m);
            }
            return map.entrySet();
        }
    }

    private void succeeded() {
        if (failuresInRow >= breakerFailures) {
            LOG.info("sink '{}' of pipeline '{}' (partition {}): delivering again; the breaker is closed", name,
                    owner.pipeline.name(), partition);
        }
        failuresInRow = 0;
        breakerOpenUntil = 0;
    }

    /** After a failed attempt: back off, or hold while the breaker is open. */
    private void failedAttempt(int attempts, Duration retryAfter) {
        failuresInRow++;
        long wait;
        if (failuresInRow >= breakerFailures) {
            if (failuresInRow == breakerFailures) {
                LOG.warn("sink '{}' of pipeline '{}' (partition {}): {} failed attempts in a row, the breaker opens"
                        + " for {} ms: {}", name, owner.pipeline.name(), partition, failuresInRow, breakerPauseMs,
                        error);
            }
            wait = breakerPauseMs;
            breakerOpenUntil = System.currentTimeMillis() + wait;
            metrics.breakerOpened();
        } else {
            long base = owner.pipeline.errors().backoff().toMillis();
            long max = owner.pipeline.errors().maxBackoff().toMillis();
            long cap = Math.min(max, base << Math.min(20, attempts - 1));
            wait = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1); // full jitter
        }
        if (retryAfter != null) {
            wait = Math.max(wait, Math.min(retryAfter.toMillis(), Math.max(breakerPauseMs,
                    owner.pipeline.errors().maxBackoff().toMillis())));
        }
        sleep(wait);
    }

    private void sleep(long ms) {
        long until = System.nanoTime() + ms * 1_000_000;
        while (!stopped && System.nanoTime() < until) {
            LockSupport.parkNanos(Math.min(until - System.nanoTime(), 50_000_000L));
        }
    }

    private void idle(long ms) {
        if (!signalled && !stopped) {
            LockSupport.parkNanos(ms * 1_000_000);
        }
        signalled = false;
    }

    PipelineStatus.SinkState state() {
        if (breakerOpenUntil > System.currentTimeMillis()) {
            return PipelineStatus.SinkState.BREAKER_OPEN;
        }
        return error == null ? PipelineStatus.SinkState.DELIVERING : PipelineStatus.SinkState.RETRYING;
    }

    String error() {
        return error;
    }
}
