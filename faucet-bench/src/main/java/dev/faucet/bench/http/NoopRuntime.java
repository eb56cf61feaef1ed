package dev.faucet.bench.http;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.engine.Published;
import dev.faucet.log.GroupOffset;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.LogState;
import dev.faucet.log.NewRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.RecordPosition;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The in-run baseline of the HTTP benchmark: a runtime without a log. Topics live in memory; {@link #publish}
 * answers at once (an already completed future) with made-up increasing offsets, placed as the log places records
 * (an explicit partition, {@code murmur2(key)}, or one partition per call for unkeyed records, round robin). Nothing
 * is stored: reads are empty, no consumer group has offsets. The server in front of it runs the same handler,
 * decoding and admission as in front of the durable log, so the difference between the two is the log.
 *
 * <p>With {@code asyncAcks}, the futures are completed by one thread of its own instead, one by one, as the log's
 * acknowledgement thread completes them: that variant measures what the hand-off alone costs the HTTP layer (the
 * request is suspended and its response written by another thread), without the log.
 *
 * <p>Thread-safe.
 */
final class NoopRuntime implements PipelineRuntime {
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final ExecutorService acks;
    private volatile LogState state = LogState.OPEN;

    NoopRuntime(boolean asyncAcks) {
        this.acks = asyncAcks ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "noop-acks");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    NoopRuntime() {
        this(false);
    }

    /** A topic's settings and the next offset of each of its partitions. */
    private record Topic(TopicConfig config, AtomicLongArray next, AtomicInteger roundRobin, TopicInfo shape) {
        Topic(TopicConfig config) {
            this(config, new AtomicLongArray(config.partitions()), new AtomicInteger(), new TopicInfo(config,
                    List.of()));
        }

        TopicInfo info() {
            List<PartitionInfo> partitions = new ArrayList<>(config.partitions());
            for (int p = 0; p < config.partitions(); p++) {
                partitions.add(new PartitionInfo(p, 0, next.get(p), 0));
            }
            return new TopicInfo(config, partitions);
        }
    }

    @Override
    public LogState state() {
        return state;
    }

    @Override
    public TopicInfo createTopic(TopicConfig config) {
        if (config.partitions() < 1 || config.name().isBlank() || config.name().startsWith("__faucet.")) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "topic '" + config.name() + "': a name and at"
                    + " least one partition are needed");
        }
        Topic t = new Topic(config);
        if (topics.putIfAbsent(config.name(), t) != null) {
            throw new LogException(LogException.Kind.TOPIC_EXISTS, "topic '" + config.name() + "' exists");
        }
        return t.info();
    }

    @Override
    public void deleteTopic(String name) {
        if (topics.remove(name) == null) {
            throw unknown(name);
        }
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        Topic t = name == null ? null : topics.get(name);
        return t == null ? Optional.empty() : Optional.of(t.info());
    }

    @Override
    public List<TopicInfo> topics() {
        return topics.values().stream().map(Topic::info).toList();
    }

    @Override
    public CompletableFuture<Published> publish(Publish request) {
        Topic t = topics.get(request.topic());
        if (t == null) {
            return CompletableFuture.failedFuture(unknown(request.topic()));
        }
        int partitions = t.config().partitions();
        int unkeyed = Math.floorMod(t.roundRobin().getAndIncrement(), partitions);
        List<RecordPosition> positions = new ArrayList<>(request.records().size());
        for (NewRecord r : request.records()) {
            int p = r.partition() != NewRecord.ANY_PARTITION ? r.partition()
                    : r.key() != null ? t.shape().partitionOf(r.key()) : unkeyed;
            positions.add(new RecordPosition(p, t.next().getAndIncrement(p)));
        }
        Published published = new Published(positions, false);
        if (acks == null) {
            return CompletableFuture.completedFuture(published);
        }
        CompletableFuture<Published> f = new CompletableFuture<>();
        acks.execute(() -> f.complete(published));
        return f;
    }

    @Override
    public List<LogRecord> read(String topic, int partition, long offset, int maxRecords) {
        return List.of();
    }

    @Override
    public long offsetForTime(String topic, int partition, long timestampMs) {
        Topic t = topics.get(topic);
        return t == null ? 0 : t.next().get(partition);
    }

    @Override
    public OptionalLong committedOffset(String group, String topic, int partition) {
        return OptionalLong.empty();
    }

    @Override
    public CompletableFuture<Void> commitOffsets(String group, String topic, Map<Integer, Long> nextOffsets) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<GroupOffset> groupOffsets(String topic) {
        return List.of();
    }

    @Override
    public PipelineStatus deploy(Pipeline pipeline) {
        throw noPipelines();
    }

    @Override
    public void validate(Pipeline pipeline) {
        throw noPipelines();
    }

    @Override
    public Optional<PipelineStatus> pipeline(String name) {
        return Optional.empty();
    }

    @Override
    public List<PipelineStatus> pipelines() {
        return List.of();
    }

    @Override
    public Optional<Pipeline> definition(String name) {
        return Optional.empty();
    }

    @Override
    public void pause(String name) {
        throw noPipelines();
    }

    @Override
    public void resume(String name) {
        throw noPipelines();
    }

    @Override
    public void delete(String name) {
        throw noPipelines();
    }

    private static UnsupportedOperationException noPipelines() {
        return new UnsupportedOperationException("the no-op benchmark runtime runs no pipelines");
    }

    @Override
    public void startSource(String name, String type, com.fasterxml.jackson.databind.node.ObjectNode settings,
            String topic) {
        throw new UnsupportedOperationException("the no-op runtime runs no sources");
    }

    @Override
    public List<dev.faucet.engine.SourceStatus> sources() {
        return List.of();
    }

    @Override
    public long usableDiskBytes() {
        return Long.MAX_VALUE;
    }

    @Override
    public void close() {
        state = LogState.CLOSED;
        if (acks != null) {
            acks.shutdown();
        }
    }

    private static LogException unknown(String name) {
        return new LogException(LogException.Kind.UNKNOWN_TOPIC, "unknown topic '" + name + "'");
    }
}
