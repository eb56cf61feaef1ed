package dev.faucet.engine;

import dev.faucet.engine.embedded.IdempotencyStore;
import dev.faucet.engine.embedded.PipelineHost;
import dev.faucet.log.GroupOffset;
import dev.faucet.log.Log;
import dev.faucet.log.LogConfig;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.LogState;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of one machine: topics in Faucet's own durable log ({@link Log}) in a data directory. Opening runs the
 * log's recovery and folds the idempotency keys back; {@link #close} closes the log after in-flight commits.
 *
 * <p>Thread-safe.
 */
public final class EmbeddedRuntime implements PipelineRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRuntime.class);

    private final Log log;
    private final IdempotencyStore idempotency;
    private final PipelineHost pipelines;

    private EmbeddedRuntime(Log log, IdempotencyStore idempotency, PipelineHost pipelines) {
        this.log = log;
        this.idempotency = idempotency;
        this.pipelines = pipelines;
    }

    /** Opens (and recovers) the log in {@code dir} with the given log settings. */
    public static EmbeddedRuntime open(Path dir, UnaryOperator<LogConfig> logSettings, IdempotencySettings idem)
            throws IOException {
        return open(dir, logSettings, idem, new SimpleMeterRegistry());
    }

    /** Opens the log, then starts the pipelines deployed in it; their metrics go to {@code meters}. */
    public static EmbeddedRuntime open(Path dir, UnaryOperator<LogConfig> logSettings, IdempotencySettings idem,
            MeterRegistry meters) throws IOException {
        Log log = Log.open(dir, logSettings);
        try {
            LogConfig config = logSettings.apply(LogConfig.defaults());
            IdempotencyStore idempotency = IdempotencyStore.open(log, idem, config.clock());
            return new EmbeddedRuntime(log, idempotency, PipelineHost.open(log, config, meters));
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    public static EmbeddedRuntime open(Path dir) throws IOException {
        return open(dir, c -> c, IdempotencySettings.DEFAULTS);
    }

    @Override
    public LogState state() {
        return log.state();
    }

    /** What recovery noticed and repaired when the log was opened. */
    public List<String> recoveryNotes() {
        return log.recoveryNotes();
    }

    @Override
    public TopicInfo createTopic(TopicConfig config) {
        return log.createTopic(config);
    }

    @Override
    public void deleteTopic(String name) {
        log.deleteTopic(name);
        idempotency.forgetTopic(name);
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        if (name == null || name.startsWith("__faucet.")) {
            return Optional.empty();
        }
        return log.topic(name);
    }

    @Override
    public List<TopicInfo> topics() {
        return log.topics().stream().filter(t -> !t.name().startsWith("__faucet.")).toList();
    }

    @Override
    public CompletableFuture<Published> publish(Publish request) {
        if (request.topic().startsWith("__faucet.")) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "cannot publish to '" + request.topic()
                    + "': topics starting with '__faucet.' are Faucet's own");
        }
        CompletableFuture<Published> published = request.idempotencyKey() != null ? idempotency.publish(request)
                : log.append(request.topic(), request.records()).thenApply(p -> new Published(p, false));
        String topic = request.topic();
        published.thenRun(() -> pipelines.signal(topic));
        return published;
    }

    @Override
    public List<LogRecord> read(String topic, int partition, long offset, int maxRecords) {
        return log.read(topic, partition, offset, maxRecords);
    }

    @Override
    public long offsetForTime(String topic, int partition, long timestampMs) {
        return log.offsetForTime(topic, partition, timestampMs);
    }

    @Override
    public OptionalLong committedOffset(String group, String topic, int partition) {
        return log.committedOffset(group, topic, partition);
    }

    @Override
    public CompletableFuture<Void> commitOffsets(String group, String topic, Map<Integer, Long> nextOffsets) {
        List<GroupOffset> offsets = new ArrayList<>(nextOffsets.size());
        nextOffsets.forEach((p, o) -> offsets.add(new GroupOffset(group, topic, p, o)));
        return log.commitOffsets(offsets).thenApply(r -> null);
    }

    @Override
    public List<GroupOffset> groupOffsets(String topic) {
        return log.topicGroupOffsets(topic);
    }

    @Override
    public PipelineStatus deploy(Pipeline pipeline) {
        return pipelines.deploy(pipeline);
    }

    @Override
    public void validate(Pipeline pipeline) {
        pipelines.validate(pipeline);
    }

    @Override
    public Optional<PipelineStatus> pipeline(String name) {
        return pipelines.status(name);
    }

    @Override
    public List<PipelineStatus> pipelines() {
        return pipelines.statuses();
    }

    @Override
    public Optional<Pipeline> definition(String name) {
        return pipelines.definition(name);
    }

    @Override
    public void pause(String name) {
        pipelines.pause(name);
    }

    @Override
    public void resume(String name) {
        pipelines.resume(name);
    }

    @Override
    public void delete(String name) {
        pipelines.delete(name);
    }

    @Override
    public void startSource(String name, String type, com.fasterxml.jackson.databind.node.ObjectNode settings,
            String topic) {
        pipelines.startSource(name, type, settings, topic);
    }

    @Override
    public List<SourceStatus> sources() {
        return pipelines.sources();
    }

    @Override
    public long usableDiskBytes() {
        try {
            return Files.getFileStore(log.dir()).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public void close() {
        pipelines.close();
        idempotency.close();
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("closing the log in {} failed: {}; the next start recovers it", log.dir(), e.toString());
        }
    }
}
