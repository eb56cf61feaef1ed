package dev.faucet.engine.embedded;

import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Source;
import dev.faucet.engine.SourceStatus;
import dev.faucet.log.Commit;
import dev.faucet.log.Header;
import dev.faucet.log.Log;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a {@link Source} into a Faucet topic on its own thread. Each poll's records and the source's positions after
 * them (records of the compacted internal topic {@code __faucet.sources}, key {@code <source>/<partition>}, value the
 * next offset) are one atomic log commit, so after a crash the source resumes exactly after what landed: each record
 * is in the topic once. Records keep key, value, headers and timestamp, and get {@code faucet-source} (the source's
 * name), {@code faucet-source-partition} and {@code faucet-source-offset} headers. A failure closes the source; it is
 * opened again after a backoff (100 ms doubling to 10 s, with jitter).
 */
final class SourceTask implements Runnable {
    static final String POSITIONS = "__faucet.sources";
    private static final Logger LOG = LoggerFactory.getLogger(SourceTask.class);

    private final Log log;
    private final String name;
    private final String type;
    private final String topic;
    private final ConnectorConfig config;
    private final Source source;
    private final LongAdder copied = new LongAdder();
    private volatile boolean stopped;
    private volatile String error;
    private Thread thread;

    SourceTask(Log log, String name, String topic, ConnectorConfig config, Source source) {
        this.log = log;
        this.name = name;
        this.type = config.type();
        this.topic = topic;
        this.config = config;
        this.source = source;
    }

    void start() {
        if (log.topic(POSITIONS).isEmpty()) {
            try {
                log.createInternalTopic(TopicConfig.of(POSITIONS, 1).withCompaction(true));
            } catch (RuntimeException e) {
                if (log.topic(POSITIONS).isEmpty()) {
                    throw e;
                }
            }
        }
        thread = new Thread(this, "faucet-source-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    void stop(long timeoutMs) {
        stopped = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(timeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    SourceStatus status() {
        return new SourceStatus(name, type, topic, !stopped, copied.sum(), error);
    }

    @Override
    public void run() {
        int failures = 0;
        while (!stopped) {
            try {
                source.open(new Source.SourceContext(name, topic, config), positions());
                error = null;
                failures = 0;
                while (!stopped) {
                    copy(source.poll(Duration.ofMillis(200)));
                }
            } catch (Source.SourceException | RuntimeException e) {
                failures++;
                String why = e.getMessage();
                if (!String.valueOf(why).equals(error)) {
                    LOG.warn("source '{}' (to {}): {}; trying again", name, topic, why);
                }
                error = why;
                source.close();
                backoff(failures);
            }
        }
        source.close();
    }

    private void copy(List<Source.SourceRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<NewRecord> out = new ArrayList<>(records.size());
        Map<Integer, Long> next = new TreeMap<>();
        for (Source.SourceRecord r : records) {
            List<Header> headers = new ArrayList<>(r.headers().size() + 3);
            r.headers().forEach((k, v) -> headers.add(Header.of(k, v)));
            headers.add(Header.of("faucet-source", name));
            headers.add(Header.of("faucet-source-partition", Integer.toString(r.partition())));
            headers.add(Header.of("faucet-source-offset", Long.toString(r.offset())));
            out.add(new NewRecord(r.key(), r.value(), headers, r.timestampMs() < 0 ? NewRecord.NO_TIMESTAMP
                    : r.timestampMs(), NewRecord.ANY_PARTITION));
            next.merge(r.partition(), r.offset() + 1, Math::max);
        }
        List<NewRecord> positions = new ArrayList<>();
        next.forEach((p, o) -> positions.add(new NewRecord((name + "/" + p).getBytes(StandardCharsets.UTF_8),
                Long.toString(o).getBytes(StandardCharsets.UTF_8), List.of(), NewRecord.NO_TIMESTAMP, 0)));
        try {
            log.commitInternal(Commit.builder().append(topic, out).append(POSITIONS, positions).build())
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying source '" + name + "'", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("appending what source '" + name + "' read to '" + topic + "' failed: "
                    + e, e);
        }
        copied.add(records.size());
    }

    /** The stored positions of this source: the latest value per key in the compacted positions topic. */
    private Map<Integer, Long> positions() {
        Map<Integer, Long> out = new HashMap<>();
        String prefix = name + "/";
        long offset = log.topic(POSITIONS).map(t -> t.partitions().get(0).startOffset()).orElse(0L);
        while (true) {
            List<LogRecord> batch = log.read(POSITIONS, 0, offset, 1000);
            if (batch.isEmpty()) {
                return out;
            }
            for (LogRecord r : batch) {
                String key = r.keyAsString();
                if (key != null && key.startsWith(prefix) && r.value() != null) {
                    out.put(Integer.parseInt(key.substring(prefix.length())), Long.parseLong(r.valueAsString()));
                }
                offset = r.offset() + 1;
            }
        }
    }

    private void backoff(int failures) {
        long cap = Math.min(10_000, 100L << Math.min(10, failures - 1));
        long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(cap / 2, cap + 1) * 1_000_000;
        while (!stopped && System.nanoTime() < until) {
            LockSupport.parkNanos(Math.min(until - System.nanoTime(), 50_000_000L));
        }
    }
}
