package dev.faucet.log.commit;

import dev.faucet.log.FsyncPolicy;
import dev.faucet.log.LogException;
import dev.faucet.log.format.BatchHeader;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.format.RecordBatchCodec;
import dev.faucet.log.partition.Partition;
import dev.faucet.log.topic.Topic;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The single writer thread that owns every append (group commit). Each turn of its duty cycle takes every commit
 * that is waiting, writes their batches, forces the touched segments, appends one commit record to the journal and
 * forces it, then publishes the new ends to readers and completes the commits' futures. Many producers' commits
 * share those fsyncs.
 *
 * <p>Any I/O error is fatal: the writer fails every waiting commit, stops, and the log acknowledges nothing more
 * (fsyncgate: a retried fsync can "succeed" without the data). Reopening the log recovers.
 *
 * <p>Threading: {@link #submit} and {@link #control} may be called from any thread; everything else runs on the
 * writer thread.
 */
public final class LogWriter implements Runnable {
    private static final Object STOP = new Object();
    private static final int MAX_GROUP = 4096;

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Semaphore pendingBytes;
    private final int maxPendingBytes;
    private final InstantSource clock;
    private final long journalBytes;
    private final Supplier<Collection<JournalEntry>> allEnds;
    private final Runnable maintenance;
    private final long maintenanceIntervalMs;
    private final ExecutorService acks = Executors.newSingleThreadExecutor(r -> daemon(r, "faucet-log-acks"));
    private final List<AppendRequest> group = new ArrayList<>();
    private final Set<Partition> touched = new LinkedHashSet<>();
    private CommitJournal journal;
    private long lastCommitId;
    private long nextMaintenanceMs;
    private volatile Throwable failure;
    private volatile boolean stopped;
    private volatile boolean exited;

    public LogWriter(CommitJournal journal, long lastCommitId, WriterSettings settings,
            Supplier<Collection<JournalEntry>> allEnds, Runnable maintenance) {
        this.journal = journal;
        this.lastCommitId = lastCommitId;
        this.maxPendingBytes = (int) Math.min(Integer.MAX_VALUE, settings.maxPendingBytes());
        this.pendingBytes = new Semaphore(maxPendingBytes);
        this.clock = settings.clock();
        this.journalBytes = settings.journalBytes();
        this.maintenanceIntervalMs = settings.maintenanceIntervalMs();
        this.allEnds = allEnds;
        this.maintenance = maintenance;
        this.nextMaintenanceMs = clock.millis() + maintenanceIntervalMs;
    }

    /** Queues a commit, waiting while the writer already holds {@code maxPendingBytes} of appends. */
    public void submit(AppendRequest request) {
        checkOpen();
        int permits = permits(request.bytes());
        try {
            pendingBytes.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogException(LogException.Kind.CLOSED, "interrupted while waiting for room in the log", e);
        }
        queue.add(request);
        rejectIfExited();
    }

    /** Runs {@code task} on the writer thread between commits. */
    public <T> CompletableFuture<T> control(WriterTask<T> task) {
        checkOpen();
        CompletableFuture<T> f = new CompletableFuture<>();
        queue.add(new ControlRequest<>(task, f));
        rejectIfExited();
        return f;
    }

    /** A request queued after the writer stopped would wait forever: fail it here instead. */
    private void rejectIfExited() {
        if (exited) {
            List<Object> rest = new ArrayList<>();
            queue.drainTo(rest);
            Throwable t = failure;
            LogException e = t != null ? failedClosed(t)
                    : new LogException(LogException.Kind.CLOSED, "the log is closed");
            rest.forEach(item -> reject(item, e));
        }
    }

    private void checkOpen() {
        Throwable t = failure;
        if (t != null) {
            throw failedClosed(t);
        }
        if (stopped) {
            throw new LogException(LogException.Kind.CLOSED, "the log is closed");
        }
    }

    /** Asks the writer to finish the queued work and stop; the caller then joins the writer thread. */
    public void requestStop() {
        stopped = true;
        queue.add(STOP);
    }

    /** After the writer thread ended: lets the acknowledgements already handed out run. True if interrupted. */
    public boolean awaitAcks() {
        acks.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                acks.awaitTermination(10, TimeUnit.SECONDS);
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    @Override
    public void run() {
        List<Object> batch = new ArrayList<>();
        try {
            while (true) {
                Object first = queue.poll(Math.max(1, nextMaintenanceMs - clock.millis()), TimeUnit.MILLISECONDS);
                if (first == null) {
                    maybeMaintain();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_GROUP);
                boolean stop = process(batch);
                batch.clear();
                maybeMaintain();
                if (stop) {
                    return;
                }
            }
        } catch (Throwable t) {
            failClosed(t, batch);
        } finally {
            exited = true;
            // A producer that passed checkOpen() before the stop or failure may have queued after the last drain:
            // drain again now that exited is set (a producer queuing after this drain sees exited and fails itself).
            rejectIfExited();
        }
    }

    private boolean process(List<Object> items) throws IOException, FormatException {
        boolean stop = false;
        for (Object item : items) {
            if (item == STOP) {
                stop = true;
            } else if (stop) {
                reject(item, new LogException(LogException.Kind.CLOSED, "the log is closed"));
            } else if (item instanceof AppendRequest r) {
                group.add(r);
            } else {
                writeGroup();
                runControl((ControlRequest<?>) item);
            }
        }
        writeGroup();
        return stop;
    }

    private <T> void runControl(ControlRequest<T> c) throws IOException {
        try {
            T result = c.task().run(clock.millis());
            acks.execute(() -> c.future().complete(result));
        } catch (LogException e) {
            acks.execute(() -> c.future().completeExceptionally(e));
        }
    }

    private void maybeMaintain() {
        long now = clock.millis();
        if (now >= nextMaintenanceMs) {
            nextMaintenanceMs = now + maintenanceIntervalMs;
            maintenance.run();
        }
    }

    private void writeGroup() throws IOException, FormatException {
        if (group.isEmpty()) {
            return;
        }
        long commitId = lastCommitId + 1;
        long now = clock.millis();
        List<long[]> results = new ArrayList<>(group.size());
        List<AppendRequest> accepted = new ArrayList<>(group.size());
        for (AppendRequest r : group) {
            if (r.dependsOn().stream().anyMatch(Topic::isDeleted)) {
                fail(r, new LogException(LogException.Kind.UNKNOWN_TOPIC, "the topic was deleted"));
                continue;
            }
            results.add(place(r, commitId, now));
            accepted.add(r);
        }
        group.clear();
        if (!accepted.isEmpty()) {
            commit(commitId);
            complete(accepted, results);
            if (journal.isFull(journalBytes)) {
                // After completing: a failure here must not report the durable, visible group as failed.
                rotateJournal();
            }
        }
    }

    private long[] place(AppendRequest r, long commitId, long now) throws IOException, FormatException {
        long[] bases = new long[r.batches().size()];
        for (int i = 0; i < bases.length; i++) {
            PartitionBatch b = r.batches().get(i);
            Partition p = b.partition();
            bases[i] = p.nextOffset();
            RecordBatchCodec.seal(b.batch(), bases[i], commitId);
            p.append(b.batch(), BatchHeader.read(b.batch(), p.toString(), -1), now);
            touched.add(p);
        }
        return bases;
    }

    private void commit(long commitId) throws IOException {
        boolean durable = false;
        List<JournalEntry> ends = new ArrayList<>(touched.size());
        for (Partition p : touched) {
            p.flush(true);
            durable |= p.config().fsync() == FsyncPolicy.ALWAYS;
            ends.add(p.pendingEnd());
        }
        journal.append(commitId, ends);
        if (durable) {
            journal.force();
        }
        lastCommitId = commitId;
        for (Partition p : touched) {
            p.publish();
        }
        touched.clear();
    }

    private void rotateJournal() throws IOException {
        CommitJournal next = CommitJournal.start(journal.seam(), journal.dir(), journal.sequence() + 1, lastCommitId,
                allEnds.get());
        journal.close();
        journal = next;
    }

    private void complete(List<AppendRequest> requests, List<long[]> results) {
        long bytes = 0;
        for (AppendRequest r : requests) {
            bytes += permits(r.bytes());
            r.onCommitted().run();
        }
        pendingBytes.release((int) bytes);
        acks.execute(() -> {
            for (int i = 0; i < requests.size(); i++) {
                requests.get(i).future().complete(results.get(i));
            }
        });
    }

    private void fail(AppendRequest r, LogException e) {
        pendingBytes.release(permits(r.bytes()));
        async(() -> r.future().completeExceptionally(e));
    }

    private void async(Runnable r) {
        try {
            acks.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    private void reject(Object item, LogException e) {
        if (item instanceof AppendRequest r) {
            fail(r, e);
        } else if (item instanceof ControlRequest<?> c) {
            async(() -> c.future().completeExceptionally(e));
        }
    }

    private void failClosed(Throwable t, List<Object> inFlight) {
        failure = t;
        LogException e = failedClosed(t);
        for (AppendRequest r : group) {
            fail(r, e);
        }
        group.clear();
        inFlight.forEach(item -> reject(item, e));
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(item -> reject(item, e));
        acks.shutdown();
    }

    private static LogException failedClosed(Throwable t) {
        return new LogException(LogException.Kind.FAILED, "the log failed closed after an I/O error and acknowledges"
                + " nothing until it is reopened (recovery runs then): " + t, t);
    }

    /** The error that failed the log closed, or null. */
    public Throwable failure() {
        return failure;
    }

    public long lastCommitId() {
        return lastCommitId;
    }

    public CommitJournal journal() {
        return journal;
    }

    private int permits(long bytes) {
        return (int) Math.min(bytes, maxPendingBytes);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
