package dev.faucet.log.commit;

import dev.faucet.log.FsyncPolicy;
import dev.faucet.log.LogException;
import dev.faucet.log.format.BatchHeader;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.format.RecordBatchCodec;
import dev.faucet.log.partition.Partition;
import dev.faucet.log.segment.Segment;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The single writer thread that owns every append (group commit), and the sync thread behind it. Each turn of the
 * writer's duty cycle takes every commit that is waiting, gives their batches offsets and writes them to the touched
 * segments (page cache), then hands the group to the sync thread. The sync thread forces the touched segments (in
 * parallel), appends one commit record to the journal and forces it, publishes the new ends to readers and completes
 * the commits' futures. While it syncs group N, the writer already writes group N+1, so fsyncs and copying overlap;
 * many producers' commits share each fsync.
 *
 * <p>Order is kept: group N+1 is handed over only after group N is durable and published, so commit records follow
 * each other and every commit record names data that was forced before it. Structural work (topics, retention,
 * compaction swaps) runs on the writer only when no group is syncing.
 *
 * <p>Any I/O error is fatal: every waiting commit fails, the threads stop, and the log acknowledges nothing more
 * (fsyncgate: a retried fsync can "succeed" without the data). Reopening the log recovers.
 *
 * <p>Threading: {@link #submit} and {@link #control} may be called from any thread; the journal is used by the sync
 * thread only (and by the writer while nothing syncs); everything else runs on the writer thread.
 */
public final class LogWriter implements Runnable {
    private static final Object STOP = new Object();
    private static final int MAX_GROUP = 4096;
    /** Segments forced at once; measured: 8 segments' fsyncs in parallel take half the time of serial ones. */
    private static final int FORCE_THREADS = 4;

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Semaphore pendingBytes;
    private final int maxPendingBytes;
    private final InstantSource clock;
    private final long journalBytes;
    private final Supplier<Collection<JournalEntry>> allEnds;
    private final Runnable maintenance;
    private final long maintenanceIntervalMs;
    private final ExecutorService acks = Executors.newSingleThreadExecutor(r -> daemon(r, "faucet-log-acks"));
    private final ExecutorService sync = Executors.newSingleThreadExecutor(r -> daemon(r, "faucet-log-sync"));
    private final ExecutorService forcers = Executors.newFixedThreadPool(FORCE_THREADS,
            r -> daemon(r, "faucet-log-fsync"));
    private Future<?> syncing = CompletableFuture.completedFuture(null);
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
        sync.shutdown();
        forcers.shutdown();
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
                if (first != null) {
                    batch.add(first);
                }
                throwIfSyncFailed();
                if (first == null) {
                    maybeMaintain();
                    continue;
                }
                queue.drainTo(batch, MAX_GROUP);
                boolean stop = process(batch);
                batch.clear();
                maybeMaintain();
                if (stop) {
                    awaitSync();
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

    /** Handles a drained list in order; each item is set to null once taken, so a failure rejects only the rest. */
    private boolean process(List<Object> items) throws IOException, FormatException {
        boolean stop = false;
        for (int i = 0; i < items.size(); i++) {
            Object item = items.set(i, null);
            if (item == STOP) {
                stop = true;
            } else if (stop) {
                reject(item, new LogException(LogException.Kind.CLOSED, "the log is closed"));
            } else if (item instanceof AppendRequest r) {
                group.add(r);
            } else {
                runControl((ControlRequest<?>) item);
            }
        }
        writeGroup();
        return stop;
    }

    /** Runs structural work once everything before it is durable. */
    private <T> void runControl(ControlRequest<T> c) throws IOException, FormatException {
        try {
            writeGroup();
            awaitSync();
            T result = c.task().run(clock.millis());
            acks.execute(() -> c.future().complete(result));
        } catch (LogException e) {
            acks.execute(() -> c.future().completeExceptionally(e));
        } catch (IOException | FormatException | RuntimeException e) {
            async(() -> c.future().completeExceptionally(failedClosed(e)));
            throw e;
        }
    }

    private void maybeMaintain() throws IOException {
        long now = clock.millis();
        if (now >= nextMaintenanceMs) {
            awaitSync();
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
        List<AppendRequest> taken = new ArrayList<>(group);
        group.clear();
        try {
            for (AppendRequest r : taken) {
                if (r.dependsOn().stream().anyMatch(Topic::isDeleted)) {
                    fail(r, new LogException(LogException.Kind.UNKNOWN_TOPIC, "the topic was deleted"));
                    continue;
                }
                accepted.add(r);
                results.add(place(r, commitId, now));
            }
            if (!accepted.isEmpty()) {
                handOver(commitId, accepted, results);
            }
        } catch (IOException | FormatException | RuntimeException e) {
            // Not handed to the sync thread: nobody else will complete these.
            if (failure == null) {
                failure = e;
            }
            LogException failed = failedClosed(e);
            taken.stream().filter(r -> !r.future().isDone()).forEach(r -> fail(r, failed));
            throw e;
        }
    }

    /** Writes the group's batches to the page cache, then hands it to the sync thread once the previous is done. */
    private void handOver(long commitId, List<AppendRequest> accepted, List<long[]> results) throws IOException {
        boolean durable = false;
        List<Partition> partitions = new ArrayList<>(touched);
        List<JournalEntry> ends = new ArrayList<>(touched.size());
        List<Segment> toForce = new ArrayList<>(touched.size());
        for (Partition p : touched) {
            p.flush(false);
            ends.add(p.pendingEnd());
            if (p.config().fsync() == FsyncPolicy.ALWAYS) {
                durable = true;
                toForce.add(p.active());
            }
        }
        touched.clear();
        lastCommitId = commitId;
        SyncJob job = new SyncJob(commitId, partitions, ends, toForce, durable, accepted, results);
        awaitSync();
        syncing = sync.submit(() -> {
            syncGroup(job);
            return null;
        });
    }

    /** Waits until the group on the sync thread is durable; rethrows its failure. Writer thread only. */
    private void awaitSync() throws IOException {
        try {
            syncing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a group to become durable", e);
        } catch (ExecutionException e) {
            throw new IOException("syncing a group failed: " + e.getCause(), e.getCause());
        }
    }

    private void throwIfSyncFailed() throws IOException {
        if (failure != null) {
            awaitSync();
            throw new IOException("the log failed: " + failure, failure);
        }
    }

    /** Sync thread: forces the data, then the commit record; publishes and acknowledges. */
    private void syncGroup(SyncJob job) throws IOException {
        try {
            forceAll(job.toForce());
            journal.append(job.commitId(), job.ends());
            if (job.durable()) {
                journal.force();
            }
            for (int i = 0; i < job.partitions().size(); i++) {
                job.partitions().get(i).publish(job.ends().get(i));
            }
            complete(job.requests(), job.results());
        } catch (IOException | RuntimeException e) {
            failure = e;
            LogException failed = failedClosed(e);
            job.requests().forEach(r -> fail(r, failed));
            throw e;
        }
        if (journal.isFull(journalBytes)) {
            // After completing: a failure here must not report the durable, visible group as failed.
            rotateJournal(job.commitId());
        }
    }

    private void forceAll(List<Segment> segments) throws IOException {
        if (segments.size() == 1) {
            segments.get(0).forceFile();
            return;
        }
        List<Future<Void>> forced = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            forced.add(forcers.submit(() -> {
                s.forceFile();
                return null;
            }));
        }
        for (Future<Void> f : forced) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while forcing segments", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
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
            p.append(b.batch(), BatchHeader.read(b.batch(), "a new batch", -1), now);
            touched.add(p);
        }
        return bases;
    }

    private void rotateJournal(long commitId) throws IOException {
        CommitJournal next = CommitJournal.start(journal.seam(), journal.dir(), journal.sequence() + 1, commitId,
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

    /**
     * Fails everything the writer still holds: the group not yet taken, the rest of the drained list and the queue.
     * Groups handed to the sync thread are completed or failed there; groups being written fail in writeGroup.
     */
    private void failClosed(Throwable t, List<Object> notTaken) {
        if (failure == null) {
            failure = t;
        }
        try {
            awaitSync();
        } catch (IOException ignored) {
            // the sync thread failed its own group already
        }
        LogException e = failedClosed(failure);
        group.forEach(r -> fail(r, e));
        group.clear();
        notTaken.stream().filter(item -> item != null).forEach(item -> reject(item, e));
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
