package dev.faucet.server.ingest;

import dev.faucet.engine.PipelineRuntime;
import dev.faucet.log.GroupOffset;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicInfo;
import dev.faucet.server.ApiException;
import dev.faucet.server.Backlog;
import dev.faucet.server.Limits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Decides whether ingest takes a request now: memory for its body ({@code limits.maxInFlightBytes}, 503), free disk
 * ({@code limits.minFreeDisk}, 503), and the topic's backlog ({@code backlog.*}, 429 or a bounded wait). Every
 * refusal carries {@code Retry-After} and is counted by reason through {@code refused}.
 *
 * <p>The backlog of a topic is computed from the runtime's group offsets at most every {@value #BACKLOG_REFRESH_MS}
 * ms (it scans every group's offsets), so a burst may pass a limit by what arrives within that time. Free disk is
 * looked up at most once a second. Thread-safe.
 */
public final class Admission {
    static final long BACKLOG_REFRESH_MS = 100;
    private static final long DISK_REFRESH_MS = 1000;
    /**
     * Publishers waiting for a backlog at once (WAIT policy); each holds a request thread, and consumers need threads
     * too, so past this they are answered 429 at once.
     */
    static final int MAX_WAITING = 32;

    private final PipelineRuntime runtime;
    private final Limits limits;
    private final Backlog backlog;
    private final Consumer<String> refused;
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, TopicBacklog> backlogs = new ConcurrentHashMap<>();
    private volatile long freeDisk = Long.MAX_VALUE;
    private volatile long freeDiskAt;

    /** A topic's backlog: its slowest group's unconsumed records and bytes (estimated). */
    public record TopicBacklog(long records, long bytes, Map<String, Long> recordsByGroup, long atMs) {
    }

    public Admission(PipelineRuntime runtime, Limits limits, Backlog backlog, Consumer<String> refused) {
        this.runtime = runtime;
        this.limits = limits;
        this.backlog = backlog;
        this.refused = refused;
    }

    /** Bytes of request bodies held in memory right now. */
    public long inFlightBytes() {
        return inFlightBytes.get();
    }

    /**
     * Reserves {@code bytes} of the in-flight budget, or refuses with 503. Release with {@link #release}.
     */
    public void reserve(long bytes) {
        long now = inFlightBytes.addAndGet(bytes);
        if (now > limits.maxInFlightBytes()) {
            inFlightBytes.addAndGet(-bytes);
            refused.accept("memory");
            throw new ApiException(503, "server-busy", "the server holds " + (now - bytes) + " bytes of requests in"
                    + " flight and this one would pass limits.maxInFlight (" + limits.maxInFlightBytes() + "); retry"
                    + " shortly", List.of(), Map.of("Retry-After", "1"));
        }
    }

    public void release(long bytes) {
        inFlightBytes.addAndGet(-bytes);
    }

    /** Refuses with 503 when the disk is below {@code limits.minFreeDisk}. */
    public void checkDisk() {
        long now = System.currentTimeMillis();
        if (now - freeDiskAt > DISK_REFRESH_MS) {
            freeDisk = runtime.usableDiskBytes();
            freeDiskAt = now;
        }
        if (freeDisk < limits.minFreeDiskBytes()) {
            refused.accept("disk");
            throw new ApiException(503, "disk-full", "the data disk has " + freeDisk + " bytes free, below"
                    + " limits.minFreeDisk (" + limits.minFreeDiskBytes() + "); ingest resumes once space is freed",
                    List.of(), Map.of("Retry-After", "10"));
        }
    }

    /**
     * Refuses with 429 when the topic's backlog is over a limit; with the WAIT policy, first waits up to
     * {@code backlog.waitTimeout} for it to come under.
     */
    public void checkBacklog(String topic) throws InterruptedException {
        TopicBacklog b = backlog(topic, false);
        if (!over(b)) {
            return;
        }
        if (backlog.policy() == Backlog.Policy.WAIT && waiting.incrementAndGet() <= MAX_WAITING) {
            try {
                long deadline = System.nanoTime() + backlog.waitTimeout().toNanos();
                while (System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(BACKLOG_REFRESH_MS);
                    b = backlog(topic, false);
                    if (!over(b)) {
                        return;
                    }
                }
            } finally {
                waiting.decrementAndGet();
            }
        } else if (backlog.policy() == Backlog.Policy.WAIT) {
            waiting.decrementAndGet();
        }
        refused.accept("backlog");
        throw new ApiException(429, "backlog-full", "topic '" + topic + "' has " + b.records() + " records (about "
                + b.bytes() + " bytes) not yet consumed by its slowest consumer" + slowest(b) + ", over its limit of "
                + backlog.maxRecords() + " records or " + backlog.maxBytes() + " bytes (backlog.maxRecords,"
                + " backlog.maxBytes); retry after the consumers catch up", List.of(),
                Map.of("Retry-After", backlog.retryAfterSeconds()));
    }

    /** Who holds the backlog, for the person reading the 429: a pipeline by its name, else the group. */
    private static String slowest(TopicBacklog b) {
        return b.recordsByGroup().entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> {
            String group = e.getKey();
            String pipeline = "__faucet.pipeline.";
            return group.startsWith(pipeline) ? ", pipeline '" + group.substring(pipeline.length()) + "'"
                    : " group, '" + group + "'";
        }).orElse(" group");
    }

    private boolean over(TopicBacklog b) {
        return b.records() > backlog.maxRecords() || b.bytes() > backlog.maxBytes();
    }

    /** The topic's backlog, at most {@value #BACKLOG_REFRESH_MS} ms old unless {@code fresh}. */
    public TopicBacklog backlog(String topic, boolean fresh) {
        long now = System.currentTimeMillis();
        TopicBacklog b = backlogs.get(topic);
        if (b == null || fresh || now - b.atMs() >= BACKLOG_REFRESH_MS) {
            b = compute(topic, now);
            backlogs.put(topic, b);
        }
        return b;
    }

    /** Forgets a deleted topic's backlog. */
    public void forget(String topic) {
        backlogs.remove(topic);
    }

    private TopicBacklog compute(String topic, long now) {
        TopicInfo info = runtime.topic(topic).orElse(null);
        List<GroupOffset> offsets = info == null ? List.of() : runtime.groupOffsets(topic);
        if (offsets.isEmpty()) {
            return new TopicBacklog(0, 0, Map.of(), now);
        }
        Map<String, long[]> byGroup = new HashMap<>();
        Map<String, Map<Integer, Long>> committed = new HashMap<>();
        for (GroupOffset o : offsets) {
            committed.computeIfAbsent(o.group(), g -> new HashMap<>()).put(o.partition(), o.offset());
        }
        committed.forEach((group, byPartition) -> {
            long records = 0;
            double bytes = 0;
            for (PartitionInfo p : info.partitions()) {
                long from = Math.max(p.startOffset(), byPartition.getOrDefault(p.partition(), p.startOffset()));
                long unconsumed = Math.max(0, p.endOffset() - from);
                long held = p.endOffset() - p.startOffset();
                records += unconsumed;
                bytes += held == 0 ? 0 : (double) p.sizeBytes() * unconsumed / held;
            }
            byGroup.put(group, new long[] {records, (long) bytes});
        });
        long records = 0;
        long bytes = 0;
        Map<String, Long> perGroup = new HashMap<>();
        for (Map.Entry<String, long[]> e : byGroup.entrySet()) {
            records = Math.max(records, e.getValue()[0]);
            bytes = Math.max(bytes, e.getValue()[1]);
            perGroup.put(e.getKey(), e.getValue()[0]);
        }
        return new TopicBacklog(records, bytes, Map.copyOf(perGroup), now);
    }
}
