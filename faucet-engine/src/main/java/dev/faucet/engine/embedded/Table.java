package dev.faucet.engine.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.log.Log;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicInfo;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A table kept from a topic (usually compacted) for {@code enrich}: the latest JSON value per key, following the
 * topic as it grows. The topic is the table's changelog; compaction bounds what a start reads. A table is caught up
 * once it has read every partition to the end offsets it saw when it started; until then the pipelines that use it
 * do not process records (a lookup must not miss a key only because the table is still loading).
 *
 * <p>Thread-safe: one refresher thread writes, task threads read.
 */
final class Table {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int READ_BATCH = 10_000;
    /**
     * The most rows a table holds in memory ({@code -Dfaucet.pipeline.maxTableRows}, default 5,000,000: about 2 GiB
     * at 400 bytes a row). Past it the pipelines that use the table stop with this reason rather than run with a
     * table that misses keys.
     */
    private final int maxRows = Integer.getInteger("faucet.pipeline.maxTableRows", 5_000_000);

    final String topic;
    private final Log log;
    private final Map<String, JsonNode> rows = new ConcurrentHashMap<>();
    private long[] next;
    private long[] startEnds;
    private volatile boolean caughtUp;
    private final AtomicLong skipped = new AtomicLong();
    private volatile String problem;
    private volatile String tooBig;

    Table(Log log, String topic) {
        this.log = log;
        this.topic = topic;
    }

    JsonNode get(String key) {
        return key == null ? null : rows.get(key);
    }

    boolean caughtUp() {
        return caughtUp;
    }

    int size() {
        return rows.size();
    }

    /** Records of the topic that are not JSON objects or have no key: not in the table. */
    long skipped() {
        return skipped.get();
    }

    /** Why the table cannot follow its topic (deleted), or null. */
    String problem() {
        return problem;
    }

    /** Set once the table passed its row limit: the pipelines that use it must stop. */
    String overLimit() {
        return tooBig;
    }

    /** Reads what is new in the topic; returns true when it read anything. Called by one thread. */
    boolean refresh() {
        TopicInfo info;
        try {
            info = log.topic(topic).orElse(null);
        } catch (LogException e) {
            problem = e.getMessage();
            return false;
        }
        if (info == null) {
            problem = "the table's topic '" + topic + "' does not exist";
            return false;
        }
        problem = null;
        List<PartitionInfo> parts = info.partitions();
        if (next == null || next.length != parts.size()) {
            next = new long[parts.size()];
            startEnds = new long[parts.size()];
            for (PartitionInfo p : parts) {
                next[p.partition()] = p.startOffset();
                startEnds[p.partition()] = p.endOffset();
            }
        }
        boolean read = false;
        boolean all = true;
        for (PartitionInfo p : parts) {
            int i = p.partition();
            if (next[i] < p.startOffset()) {
                next[i] = p.startOffset();
            }
            List<LogRecord> batch = next[i] < p.endOffset() ? log.read(topic, i, next[i], READ_BATCH) : List.of();
            for (LogRecord r : batch) {
                apply(r);
                next[i] = r.offset() + 1;
                read = true;
            }
            if (next[i] < startEnds[i]) {
                all = false;
            }
        }
        if (all) {
            caughtUp = true;
        }
        return read;
    }

    private void apply(LogRecord r) {
        String key = r.keyAsString();
        if (key == null) {
            skipped.incrementAndGet();
            return;
        }
        if (r.value() == null) {
            rows.remove(key);
            if (tooBig != null && rows.size() < maxRows) {
                tooBig = null;
            }
            return;
        }
        try {
            JsonNode v = JSON.readTree(r.value());
            if (v == null || v.isMissingNode()) {
                skipped.incrementAndGet();
                return;
            }
            if (rows.size() >= maxRows && !rows.containsKey(key)) {
                tooBig = "table '" + topic + "' has more than " + maxRows + " rows, the limit for a table held in"
                        + " memory (faucet.pipeline.maxTableRows); raise it, or compact the topic";
                return;
            }
            rows.put(key, v);
            if (tooBig != null && rows.size() < maxRows) {
                tooBig = null;
            }
        } catch (IOException e) {
            skipped.incrementAndGet();
        }
    }
}
