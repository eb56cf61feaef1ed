package dev.faucet.log;

import dev.faucet.log.commit.AppendRequest;
import dev.faucet.log.commit.CommitJournal;
import dev.faucet.log.commit.JournalEntry;
import dev.faucet.log.commit.LogWriter;
import dev.faucet.log.commit.PartitionBatch;
import dev.faucet.log.commit.WriterSettings;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.group.GroupOffsets;
import dev.faucet.log.partition.Partition;
import dev.faucet.log.partition.PartitionLoader;
import dev.faucet.log.retention.Maintenance;
import dev.faucet.log.topic.RecordPlacer;
import dev.faucet.log.topic.Topic;
import dev.faucet.log.topic.TopicNames;
import dev.faucet.log.topic.TopicStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

/**
 * Faucet's durable log: topics of partitions of records, kept in a data directory.
 *
 * <ul>
 *   <li>Appends are acknowledged (their future completes) only once durable: a single writer thread group-commits
 *       the appends of all threads, sharing fsyncs.</li>
 *   <li>A {@link Commit} spans topics, partitions and consumer-group offsets atomically.</li>
 *   <li>Reads see committed records only, never block appends, and may run on any thread.</li>
 *   <li>Opening a log recovers it from a crash at any byte: what was never committed is cut, the committed tail is
 *       verified, and corruption inside committed data is refused with an error naming the file and position.</li>
 *   <li>An I/O error while writing fails the log closed ({@link LogState#FAILED}): it acknowledges nothing more
 *       until reopened.</li>
 *   <li>Retention by time and size, compaction of keyed topics, consumer-group offsets stored in the log.</li>
 * </ul>
 *
 * <p>Thread-safe. Failures are {@link LogException}s whose {@link LogException.Kind} tells bad input from system
 * failure; futures complete exceptionally with them. Futures complete on the log's one acknowledgement thread, so
 * callbacks chained to them without an executor run there: they must not block (and must not call
 * {@link #createTopic}, {@link #deleteTopic} or {@link #close}); use the {@code *Async} variants for slow work.
 */
public final class Log implements AutoCloseable {
    private static final int MAX_PROBLEMS = 100;

    private final Path dir;
    private final LogConfig config;
    private final TopicStore store;
    private final PartitionLoader loader;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final GroupOffsets groups = new GroupOffsets();
    private final RecordPlacer placer;
    private final List<String> recoveryNotes;
    private final Deque<String> problems = new ArrayDeque<>();
    private LogWriter writer;
    private Thread writerThread;
    private Maintenance maintenance;
    private int lastTopicId;
    private volatile boolean closed;

    private Log(Path dir, LogConfig config, List<String> notes) throws IOException {
        this.dir = dir;
        this.config = config;
        this.recoveryNotes = notes;
        this.store = new TopicStore(config.fileSeam(), dir);
        this.loader = new PartitionLoader(config.fileSeam(), config.indexIntervalBytes(), config.clock(),
                notes);
        this.placer = new RecordPlacer(config.maxRecordBytes());
    }

    /** Opens (creating or recovering) the log in {@code dir} with the default settings. */
    public static Log open(Path dir) throws IOException {
        return open(dir, LogConfig.defaults());
    }

    /** Opens the log with settings changed from the defaults, e.g. {@code cfg -> cfg.withMaxRecordBytes(4096)}. */
    public static Log open(Path dir, UnaryOperator<LogConfig> settings) throws IOException {
        return open(dir, settings.apply(LogConfig.defaults()));
    }

    /**
     * Opens the log in {@code dir}, recovering it first.
     *
     * @throws LogException of kind {@code CORRUPT} when committed data fails its checks; the message names the file
     *     and position
     */
    public static Log open(Path dir, LogConfig config) throws IOException {
        Files.createDirectories(dir);
        Log log = new Log(dir, config, new ArrayList<>());
        try {
            log.recover();
        } catch (FormatException e) {
            log.closeQuietly();
            throw new LogException(LogException.Kind.CORRUPT, "the log in " + dir + " is corrupt and was not opened: "
                    + e.getMessage() + ". Nothing was changed; restore the file from a backup or move it away.", e);
        } catch (IOException | RuntimeException e) {
            log.closeQuietly();
            throw e;
        }
        return log;
    }

    private void recover() throws IOException, FormatException {
        Path journalDir = dir.resolve("journal");
        CommitJournal.Recovered r = CommitJournal.recover(config.fileSeam(), journalDir, store.hasTopics());
        recoveryNotes.addAll(r.notes());
        lastTopicId = r.maxTopicId();
        for (Topic t : store.loadAll(r.ends(), loader, recoveryNotes)) {
            topics.put(t.name(), t);
            lastTopicId = Math.max(lastTopicId, t.id());
        }
        CommitJournal journal = CommitJournal.start(config.fileSeam(), journalDir, r.lastSequence() + 1,
                r.lastCommitId(), allEnds());
        WriterSettings settings = new WriterSettings(config.clock(), config.maxPendingBytes(),
                config.journalBytes(), config.maintenanceInterval().toMillis());
        maintenance = new Maintenance(this::partitionsNow, config, this::report);
        writer = new LogWriter(journal, r.lastCommitId(), settings, this::allEnds, maintenance::runOnWriter);
        writerThread = new Thread(writer, "faucet-log-writer");
        writerThread.setDaemon(true);
        writerThread.start();
        if (!topics.containsKey(GroupOffsets.TOPIC)) {
            createTopic(TopicConfig.of(GroupOffsets.TOPIC, 1).withCompaction(true), true);
        }
        loadGroupOffsets();
        removeOffsetsOfDeletedTopics();
        maintenance.startCleaner(writer);
    }

    /**
     * Finishes a deletion that a crash cut short after the topic's directory was gone but before the removals of its
     * group offsets were committed: left, they would apply to a topic created later under the same name.
     */
    private void removeOffsetsOfDeletedTopics() {
        List<GroupOffset> removals = groups.removalsForTopicsOtherThan(topics.keySet());
        if (!removals.isEmpty()) {
            await(commit(new Commit(List.of(), removals)));
            recoveryNotes.add("removed " + removals.size() + " committed group offsets of deleted topics (a topic"
                    + " deletion was cut short)");
        }
    }

    private void loadGroupOffsets() {
        Partition p = topics.get(GroupOffsets.TOPIC).partition(0);
        long offset = p.startOffset();
        while (offset < p.endOffset()) {
            List<LogRecord> batch = p.read(offset, 10_000, 16 << 20);
            if (batch.isEmpty()) {
                break;
            }
            batch.forEach(groups::apply);
            offset = batch.get(batch.size() - 1).offset() + 1;
        }
    }

    private Collection<JournalEntry> allEnds() {
        return partitionsNow().stream().map(Partition::committedEnd).toList();
    }

    private List<Partition> partitionsNow() {
        return topics.values().stream().flatMap(t -> t.partitions().stream()).toList();
    }

    // ---- topics ----

    /**
     * Creates a topic and makes it durable.
     *
     * @throws LogException {@code INVALID_TOPIC} for a bad name or partition count, {@code TOPIC_EXISTS}
     */
    public TopicInfo createTopic(TopicConfig topic) {
        return createTopic(topic, false).info();
    }

    /**
     * Creates a topic for Faucet's own use, whose name starts with {@code __faucet.} (a runtime's registries and
     * changelogs). Not for users: the HTTP API and the CLI never reach it.
     */
    public TopicInfo createInternalTopic(TopicConfig topic) {
        if (!TopicNames.isInternal(topic.name())) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "an internal topic's name starts with '"
                    + TopicNames.INTERNAL_PREFIX + "'; got " + TopicNames.quote(topic.name()));
        }
        return createTopic(topic, true).info();
    }

    private Topic createTopic(TopicConfig c, boolean internal) {
        TopicNames.check(c.name(), internal);
        checkTopicConfig(c);
        return await(writer.control(now -> {
            if (topics.containsKey(c.name())) {
                throw new LogException(LogException.Kind.TOPIC_EXISTS, "topic '" + c.name() + "' already exists");
            }
            Topic t = store.create(++lastTopicId, c, loader);
            topics.put(c.name(), t);
            return t;
        }));
    }

    private void checkTopicConfig(TopicConfig c) {
        if (c.partitions() < 1 || c.partitions() > config.maxPartitionsPerTopic()) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "topic '" + c.name() + "' asks for "
                    + c.partitions() + " partitions; use 1 to " + config.maxPartitionsPerTopic()
                    + " (maxPartitionsPerTopic)");
        }
        if (c.segmentBytes() < 4096 || c.segmentBytes() > Integer.MAX_VALUE) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "segment size " + c.segmentBytes()
                    + " is out of range: use 4 KiB to 2 GiB");
        }
        if ((c.retentionTime() != null && c.retentionTime().isNegative()) || c.retentionBytes() < -1
                || c.segmentAge().isNegative() || c.segmentAge().isZero()) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "topic '" + c.name()
                    + "': retention and segment age must not be negative");
        }
    }

    /** Deletes a topic, its data and the consumer-group offsets stored for it. */
    public void deleteTopic(String name) {
        TopicNames.check(name, false);
        Topic t = topicOrThrow(name);
        await(writer.control(now -> {
            if (t.isDeleted() || topics.get(name) != t) {
                throw new LogException(LogException.Kind.UNKNOWN_TOPIC, "unknown topic " + TopicNames.quote(name)
                        + " (it was just deleted)");
            }
            t.markDeleted();
            topics.remove(name, t);
            for (Partition p : t.partitions()) {
                p.close();
            }
            store.delete(t);
            return null;
        }));
        // Offsets committed for the topic from now on are refused, so these removals are the last word.
        List<GroupOffset> removals = groups.removalsFor(name);
        if (!removals.isEmpty()) {
            await(commit(new Commit(List.of(), removals)));
        }
    }

    public Optional<TopicInfo> topic(String name) {
        Topic t = topics.get(name);
        return t == null ? Optional.empty() : Optional.of(t.info());
    }

    /** Every topic, internal ones included, by name. */
    public List<TopicInfo> topics() {
        return topics.values().stream().map(Topic::info).sorted(Comparator.comparing(TopicInfo::name)).toList();
    }

    // ---- appends ----

    /** Appends one record; completes once it is durable. */
    public CompletableFuture<RecordPosition> append(String topic, NewRecord record) {
        return append(topic, List.of(record)).thenApply(l -> l.get(0));
    }

    /** Appends records atomically (all or none); completes once durable with their positions, in order. */
    public CompletableFuture<List<RecordPosition>> append(String topic, List<NewRecord> records) {
        return commit(new Commit(List.of(new Commit.Append(topic, records)), List.of()))
                .thenApply(r -> r.positions().get(0));
    }

    /**
     * Commits appends to any topics and consumer-group offsets atomically. Refusals of bad input are thrown at once;
     * system failures complete the future exceptionally.
     */
    public CompletableFuture<CommitResult> commit(Commit commit) {
        return commit(commit, false);
    }

    /**
     * Like {@link #commit(Commit)}, and may also append to internal topics (except the offsets topic, which takes
     * group offsets only): for a runtime that commits its own records, such as idempotency entries, with users'
     * records. Not for users.
     */
    public CompletableFuture<CommitResult> commitInternal(Commit commit) {
        return commit(commit, true);
    }

    private CompletableFuture<CommitResult> commit(Commit commit, boolean internalAllowed) {
        checkOpen();
        long now = config.clock().millis();
        List<RecordPlacer.Placed> placed = new ArrayList<>();
        List<PartitionBatch> batches = new ArrayList<>();
        List<Topic> dependsOn = new ArrayList<>();
        long bytes = 0;
        for (Commit.Append a : commit.appends()) {
            Topic t = appendableTopic(a.topic(), internalAllowed);
            RecordPlacer.Placed p = placer.place(t, a.records(), now);
            placed.add(p);
            batches.addAll(p.batches());
            dependsOn.add(t);
            bytes += p.bytes();
        }
        if (!commit.offsets().isEmpty()) {
            RecordPlacer.Placed p = placeOffsets(commit.offsets(), now, dependsOn);
            batches.addAll(p.batches());
            bytes += p.bytes();
        }
        checkCommitSize(bytes);
        CompletableFuture<long[]> done = new CompletableFuture<>();
        try {
            writer.submit(new AppendRequest(batches, dependsOn, bytes, () -> groups.applyCommitted(commit.offsets()),
                    done));
        } catch (LogException e) {
            return CompletableFuture.failedFuture(e); // failed closed or closed: a system failure, not bad input
        }
        return done.thenApply(bases -> positions(placed, bases));
    }

    private void checkCommitSize(long bytes) {
        if (bytes > config.maxPendingBytes()) {
            throw new LogException(LogException.Kind.RECORD_TOO_LARGE, "the commit is " + bytes
                    + " bytes encoded; the limit for one commit (maxPendingBytes) is " + config.maxPendingBytes());
        }
    }

    private RecordPlacer.Placed placeOffsets(List<GroupOffset> offsets, long now, List<Topic> dependsOn) {
        List<NewRecord> records = new ArrayList<>(offsets.size());
        for (GroupOffset o : offsets) {
            GroupOffsets.checkGroup(o.group());
            records.add(GroupOffsets.record(o));
            if (o.offset() >= 0) {
                partition(o.topic(), o.partition());
                dependsOn.add(topicOrThrow(o.topic()));
            }
        }
        return placer.place(topics.get(GroupOffsets.TOPIC), records, now);
    }

    private static CommitResult positions(List<RecordPlacer.Placed> placed, long[] bases) {
        List<List<RecordPosition>> out = new ArrayList<>(placed.size());
        int first = 0;
        for (RecordPlacer.Placed p : placed) {
            List<RecordPosition> list = new ArrayList<>(p.batchOf().length);
            for (int i = 0; i < p.batchOf().length; i++) {
                PartitionBatch b = p.batches().get(p.batchOf()[i]);
                list.add(new RecordPosition(b.partition().index(), bases[first + p.batchOf()[i]]
                        + p.indexInBatch()[i]));
            }
            out.add(list);
            first += p.batches().size();
        }
        return new CommitResult(out);
    }

    // ---- reads ----

    /**
     * Up to {@code maxRecords} committed records of a partition from {@code offset} (or the first kept after it), and
     * about {@code LogConfig.maxReadBytes} at most (always at least one record when there is one).
     */
    public List<LogRecord> read(String topic, int partition, long offset, int maxRecords) {
        if (maxRecords < 1 || offset < 0) {
            throw new LogException(LogException.Kind.INVALID_RECORD, "a read needs an offset of 0 or more and at least"
                    + " one record to return; got offset " + offset + " and maxRecords " + maxRecords);
        }
        return partition(topic, partition).read(offset, maxRecords, config.maxReadBytes());
    }

    /** The offset of the first record whose timestamp is at or after {@code timestampMs}, or the end offset. */
    public long offsetForTime(String topic, int partition, long timestampMs) {
        return partition(topic, partition).offsetForTime(timestampMs);
    }

    /**
     * Lets the log delete, at its next maintenance, the closed segments of an internal topic's partition whose
     * records all lie before {@code offset}: for a topic with a single reader that has consumed them (a pipeline's
     * repartition topic). The active segment always stays. Not kept across restarts: the reader says it again.
     */
    public void releaseBefore(String topic, int partition, long offset) {
        if (!TopicNames.isInternal(topic)) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "only Faucet's own topics release records by"
                    + " offset; " + TopicNames.quote(topic) + " keeps its records by its retention");
        }
        partition(topic, partition).releaseBefore(offset);
    }

    private Partition partition(String topic, int partition) {
        Topic t = topicOrThrow(topic);
        if (partition < 0 || partition >= t.partitionCount()) {
            throw new LogException(LogException.Kind.INVALID_RECORD, "topic '" + topic + "' has no partition "
                    + partition + "; it has 0 to " + (t.partitionCount() - 1));
        }
        return t.partition(partition);
    }

    /** A topic users may append to: an internal topic takes only the log's own records, which it reads at open. */
    private Topic appendableTopic(String name, boolean internalAllowed) {
        if (name != null && TopicNames.isInternal(name) && (!internalAllowed || name.equals(GroupOffsets.TOPIC))) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "cannot append to " + TopicNames.quote(name)
                    + ": topics starting with '" + TopicNames.INTERNAL_PREFIX + "' are reserved for Faucet's own use");
        }
        return topicOrThrow(name);
    }

    private Topic topicOrThrow(String name) {
        Topic t = topics.get(name);
        if (t == null) {
            throw new LogException(LogException.Kind.UNKNOWN_TOPIC, "unknown topic " + TopicNames.quote(name));
        }
        return t;
    }

    // ---- consumer groups ----

    /** Commits a group's offsets (the next offset it will read per partition). */
    public CompletableFuture<CommitResult> commitOffsets(List<GroupOffset> offsets) {
        return commit(new Commit(List.of(), offsets));
    }

    public OptionalLong committedOffset(String group, String topic, int partition) {
        return groups.get(group, topic, partition);
    }

    public List<GroupOffset> groupOffsets(String group) {
        return groups.forGroup(group);
    }

    /** Every group's committed offsets for one topic, by group and partition. */
    public List<GroupOffset> topicGroupOffsets(String topic) {
        return groups.forTopic(topic);
    }

    // ---- life ----

    public LogState state() {
        if (closed) {
            return LogState.CLOSED;
        }
        return writer != null && writer.failure() != null ? LogState.FAILED : LogState.OPEN;
    }

    /** What the last recovery did (cut tails, removed unfinished files), for the operator to read. */
    public List<String> recoveryNotes() {
        return List.copyOf(recoveryNotes);
    }

    /** The latest problems retention and compaction met (they retry on their next run), oldest first, at most 100. */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    private void report(String problem) {
        synchronized (problems) {
            if (problems.size() == MAX_PROBLEMS) {
                problems.removeFirst();
            }
            problems.addLast(config.clock().instant() + " " + problem);
        }
    }

    public Path dir() {
        return dir;
    }

    private void checkOpen() {
        if (closed) {
            throw new LogException(LogException.Kind.CLOSED, "the log is closed");
        }
    }

    /** Finishes queued commits, then closes every file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        // Uninterruptible: an interrupted caller (a shutdown hook, a cancelled task) still gets a clean close.
        boolean interrupted = join(maintenance == null ? null : maintenance.stop());
        if (writer != null) {
            writer.requestStop();
            interrupted |= join(writerThread);
            interrupted |= writer.awaitAcks();
        }
        try {
            closeFiles();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean join(Thread thread) {
        boolean interrupted = false;
        while (thread != null) {
            try {
                thread.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return false;
    }

    private void closeFiles() throws IOException {
        IOException first = null;
        for (Partition p : partitionsNow()) {
            try {
                p.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (writer != null) {
            writer.journal().close();
        }
        if (first != null && writer != null && writer.failure() == null) {
            throw first;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            recoveryNotes.add("closing after a failed open: " + e);
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogException(LogException.Kind.CLOSED, "interrupted", e);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof LogException le) {
                throw le;
            }
            throw new LogException(LogException.Kind.FAILED, "operation failed: " + e.getCause(), e.getCause());
        }
    }
}
