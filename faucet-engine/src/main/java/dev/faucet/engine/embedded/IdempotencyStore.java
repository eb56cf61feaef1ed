package dev.faucet.engine.embedded;

import dev.faucet.engine.IdempotencyConflictException;
import dev.faucet.engine.IdempotencySettings;
import dev.faucet.engine.Publish;
import dev.faucet.engine.Published;
import dev.faucet.log.Commit;
import dev.faucet.log.Header;
import dev.faucet.log.Log;
import dev.faucet.log.LogException;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.RecordPosition;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers publish requests by idempotency key, so that a retry writes nothing and answers the first positions.
 *
 * <p>Why it is durable, and how: a client retries exactly when it got no answer, most likely because the server
 * crashed. So each keyed request commits a <em>reservation</em> to the compacted internal topic {@value #TOPIC} in
 * the same atomic log commit as its records: the request's fingerprint, the partition of each record (placed by this
 * class before the commit) and each partition's end offset before the commit, a lower bound of where its records
 * land. The first record of the request in each partition carries the header {@value #HEADER}. Once the commit is
 * acknowledged, the exact positions are known in memory and a <em>resolution</em> record follows (not atomically;
 * losing it only costs a short scan at the next open). Opening the store folds the topic and resolves the
 * reservations that a crash left unresolved by reading each partition forward from its lower bound to the tagged
 * record. A request's records in one partition are one batch, so their offsets are consecutive.
 *
 * <p>Invariants: a key is in {@code inFlight} from its first request's admission until that commit ends; a second
 * request with the key waits for the first (same fingerprint) or is a conflict (another fingerprint). Entries are
 * forgotten after the window or beyond {@code maxKeys}, oldest first.
 *
 * <p>Thread-safe.
 */
public final class IdempotencyStore {
    public static final String TOPIC = "__faucet.idempotency";
    /** The header on the first record of an idempotent request in each partition: the idempotency key. */
    public static final String HEADER = "faucet-idempotency-key";
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final byte RESERVED = 1;
    private static final byte RESOLVED = 2;
    private static final int MAX_SCAN_RECORDS = 1_000_000;

    private final Log log;
    private final IdempotencySettings settings;
    private final InstantSource clock;
    private final Map<String, Entry> committed = new LinkedHashMap<>();
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger nextPartition = new AtomicInteger();
    private final boolean writeResolutions;
    /** Writes resolutions off the log's acknowledgement thread; a full queue drops them (a scan replaces them). */
    private final ThreadPoolExecutor resolutions = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "faucet-idempotency");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    /**
     * What is remembered of a request: its positions once known (compactly, see {@link #encode}); before, its
     * placement (after a crash).
     */
    private record Entry(byte[] fingerprint, byte[] positions, Placement placement, long atMs) {
    }

    /** The partition of each record and each partition's end offset before the commit. */
    private record Placement(int[] partitionOf, int[] partitions, long[] lowerBounds) {
    }

    private record InFlight(byte[] fingerprint, CompletableFuture<Published> done) {
    }

    private IdempotencyStore(Log log, IdempotencySettings settings, InstantSource clock, boolean writeResolutions) {
        this.log = log;
        this.settings = settings;
        this.clock = clock;
        this.writeResolutions = writeResolutions;
    }

    /** Opens the store on a log, creating its topic on first use and folding and resolving it otherwise. */
    public static IdempotencyStore open(Log log, IdempotencySettings settings, InstantSource clock) {
        return open(log, settings, clock, true);
    }

    /** Without resolutions every reopen resolves by scanning: for tests of what a crash leaves behind. */
    static IdempotencyStore open(Log log, IdempotencySettings settings, InstantSource clock,
            boolean writeResolutions) {
        IdempotencyStore store = new IdempotencyStore(log, settings, clock, writeResolutions);
        if (log.topic(TOPIC).isEmpty()) {
            log.createInternalTopic(TopicConfig.of(TOPIC, 1).withCompaction(true)
                    .withRetention(settings.window(), -1));
        } else {
            store.load();
        }
        return store;
    }

    /** Publishes {@code p}, which has an idempotency key. */
    public CompletableFuture<Published> publish(Publish p) {
        String key = p.topic() + '\0' + p.idempotencyKey();
        InFlight mine = new InFlight(p.fingerprint(), new CompletableFuture<>());
        InFlight other = inFlight.putIfAbsent(key, mine);
        if (other != null) {
            if (!Arrays.equals(other.fingerprint(), p.fingerprint())) {
                return CompletableFuture.failedFuture(conflict(p));
            }
            return other.done().thenApply(first -> new Published(first.positions(), true));
        }
        Entry known = lookup(key);
        if (known != null) {
            inFlight.remove(key, mine);
            if (!Arrays.equals(known.fingerprint(), p.fingerprint())) {
                return CompletableFuture.failedFuture(conflict(p));
            }
            return CompletableFuture.completedFuture(new Published(decode(known.positions()), true));
        }
        try {
            return commit(p, key, mine);
        } catch (RuntimeException | Error e) {
            // Retries that already wait on this request must hear the outcome too.
            inFlight.remove(key, mine);
            mine.done().completeExceptionally(e);
            throw e;
        }
    }

    private CompletableFuture<Published> commit(Publish p, String key, InFlight mine) {
        TopicInfo topic = log.topic(p.topic()).orElse(null);
        if (topic == null) {
            throw new LogException(LogException.Kind.UNKNOWN_TOPIC, "unknown topic '" + p.topic() + "'");
        }
        Placement placement = place(topic, p.records());
        List<NewRecord> records = tagged(p.records(), placement, p.idempotencyKey());
        long now = clock.millis();
        NewRecord reservation = NewRecord.of(key.getBytes(StandardCharsets.UTF_8),
                reservation(p.fingerprint(), placement)).toPartition(0).withTimestamp(now);
        log.commitInternal(Commit.builder().append(p.topic(), records).append(TOPIC, List.of(reservation)).build())
                .whenComplete((result, failure) -> {
                    try {
                        if (failure == null) {
                            List<RecordPosition> positions = result.positions().get(0);
                            byte[] compact = encode(positions);
                            remember(key, new Entry(p.fingerprint(), compact, null, now));
                            if (writeResolutions) {
                                resolutions.execute(() -> writeResolution(key, p.fingerprint(), compact, now));
                            }
                        }
                    } catch (RuntimeException e) {
                        LOG.error("idempotency key '{}' not remembered; its records are committed", p.idempotencyKey(),
                                e);
                    } finally {
                        inFlight.remove(key, mine);
                        if (failure != null) {
                            mine.done().completeExceptionally(failure);
                        } else {
                            mine.done().complete(new Published(result.positions().get(0), false));
                        }
                    }
                });
        return mine.done();
    }

    /** Places every record: its own partition, its key's, or one partition for the request's unkeyed records. */
    private Placement place(TopicInfo topic, List<NewRecord> records) {
        int[] partitionOf = new int[records.size()];
        int unkeyed = -1;
        Map<Integer, Integer> used = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i);
            int partition = r.partition();
            if (partition == NewRecord.ANY_PARTITION && r.key() != null) {
                partition = topic.partitionOf(r.key());
            } else if (partition == NewRecord.ANY_PARTITION) {
                if (unkeyed < 0) {
                    unkeyed = Math.floorMod(nextPartition.getAndIncrement(), topic.config().partitions());
                }
                partition = unkeyed;
            }
            partitionOf[i] = partition;
            used.putIfAbsent(partition, used.size());
        }
        int[] partitions = used.keySet().stream().mapToInt(Integer::intValue).toArray();
        long[] lowerBounds = new long[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            int p = partitions[i];
            lowerBounds[i] = p >= 0 && p < topic.partitions().size() ? topic.partitions().get(p).endOffset() : 0;
        }
        return new Placement(partitionOf, partitions, lowerBounds);
    }

    private static List<NewRecord> tagged(List<NewRecord> records, Placement placement, String idempotencyKey) {
        List<NewRecord> out = new ArrayList<>(records.size());
        boolean[] seen = new boolean[placement.partitions().length];
        for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i).toPartition(placement.partitionOf()[i]);
            int at = indexOf(placement.partitions(), placement.partitionOf()[i]);
            if (!seen[at]) {
                seen[at] = true;
                List<Header> headers = new ArrayList<>(r.headers());
                headers.add(Header.of(HEADER, idempotencyKey));
                r = r.withHeaders(headers);
            }
            out.add(r);
        }
        return out;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("partition " + value + " was not placed");
    }

    /** Runs on the resolution thread: the log's acknowledgement thread must never wait for the writer. */
    private void writeResolution(String key, byte[] fingerprint, byte[] positions, long atMs) {
        ByteBuffer b = ByteBuffer.allocate(2 + fingerprint.length + positions.length);
        b.put(RESOLVED).put((byte) fingerprint.length).put(fingerprint).put(positions);
        NewRecord r = NewRecord.of(key.getBytes(StandardCharsets.UTF_8), b.array()).toPartition(0).withTimestamp(atMs);
        try {
            log.commitInternal(Commit.builder().append(TOPIC, List.of(r)).build());
        } catch (RuntimeException e) {
            LOG.debug("idempotency resolution not written ({}); the next open resolves it by a scan", e.toString());
        }
    }

    private static byte[] reservation(byte[] fingerprint, Placement placement) {
        int n = placement.partitions().length;
        int perRecord = n > 1 ? placement.partitionOf().length * 4 : 0;
        ByteBuffer b = ByteBuffer.allocate(2 + fingerprint.length + 8 + n * 12 + perRecord);
        b.put(RESERVED).put((byte) fingerprint.length).put(fingerprint);
        b.putInt(placement.partitionOf().length).putInt(n);
        for (int i = 0; i < n; i++) {
            b.putInt(placement.partitions()[i]).putLong(placement.lowerBounds()[i]);
        }
        if (n > 1) {
            for (int p : placement.partitionOf()) {
                b.putInt(p);
            }
        }
        return b.array();
    }

    private static IdempotencyConflictException conflict(Publish p) {
        return new IdempotencyConflictException("Idempotency-Key '" + p.idempotencyKey() + "' was already used for a "
                + "different request to topic '" + p.topic() + "'; use a new key for a new request");
    }

    private synchronized Entry lookup(String key) {
        trim();
        return committed.get(key);
    }

    private synchronized void remember(String key, Entry e) {
        committed.remove(key);
        committed.put(key, e);
        trim();
    }

    private synchronized void trim() {
        long oldest = clock.millis() - settings.window().toMillis();
        Iterator<Entry> it = committed.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (committed.size() > settings.maxKeys() || e.atMs() < oldest) {
                it.remove();
            } else {
                return;
            }
        }
    }

    // ---- opening ----

    private void load() {
        long offset = 0;
        while (true) {
            List<LogRecord> batch = log.read(TOPIC, 0, offset, 10_000);
            if (batch.isEmpty()) {
                break;
            }
            for (LogRecord r : batch) {
                fold(r);
                offset = r.offset() + 1;
            }
        }
        trim();
        int resolved = 0;
        for (Map.Entry<String, Entry> e : List.copyOf(committed.entrySet())) {
            if (e.getValue().positions() == null) {
                Entry found = resolve(e.getKey(), e.getValue());
                if (found == null) {
                    committed.remove(e.getKey());
                } else {
                    committed.put(e.getKey(), found);
                    resolved++;
                    if (writeResolutions) {
                        // Written back, so the next start need not scan for it again.
                        writeResolution(e.getKey(), found.fingerprint(), found.positions(), found.atMs());
                    }
                }
            }
        }
        if (resolved > 0) {
            LOG.info("resolved {} idempotency keys whose requests were committed just before the last stop", resolved);
        }
    }

    private void fold(LogRecord r) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        committed.remove(key);
        if (r.value() == null) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(r.value());
        byte kind = b.get();
        byte[] fingerprint = new byte[b.get() & 0xff];
        b.get(fingerprint);
        if (kind == RESOLVED) {
            committed.put(key, new Entry(fingerprint, Arrays.copyOfRange(r.value(), b.position(), r.value().length),
                    null, r.timestampMs()));
            return;
        }
        int count = b.getInt();
        int n = b.getInt();
        int[] partitions = new int[n];
        long[] lowerBounds = new long[n];
        for (int i = 0; i < n; i++) {
            partitions[i] = b.getInt();
            lowerBounds[i] = b.getLong();
        }
        int[] partitionOf = new int[count];
        for (int i = 0; i < count; i++) {
            partitionOf[i] = n > 1 ? b.getInt() : partitions[0];
        }
        committed.put(key, new Entry(fingerprint, null, new Placement(partitionOf, partitions, lowerBounds),
                r.timestampMs()));
    }

    // ---- positions in little space ----

    /**
     * A request's positions: its records in one partition have consecutive offsets (one batch), so the partitions in
     * order of first use with their first offset, plus the partition index of each record when there are several,
     * rebuild the list: {@code [count][n]([partition][first offset])*n ([index]*count if n > 1)}.
     */
    static byte[] encode(List<RecordPosition> positions) {
        Map<Integer, Integer> index = new LinkedHashMap<>();
        List<Long> firsts = new ArrayList<>();
        for (RecordPosition pos : positions) {
            if (index.putIfAbsent(pos.partition(), index.size()) == null) {
                firsts.add(pos.offset());
            }
        }
        int n = index.size();
        ByteBuffer b = ByteBuffer.allocate(8 + n * 12 + (n > 1 ? positions.size() * 4 : 0));
        b.putInt(positions.size()).putInt(n);
        int i = 0;
        for (int partition : index.keySet()) {
            b.putInt(partition).putLong(firsts.get(i++));
        }
        long[] next = firsts.stream().mapToLong(Long::longValue).toArray();
        for (RecordPosition pos : positions) {
            int at = index.get(pos.partition());
            if (pos.offset() != next[at]++) {
                throw new IllegalStateException("records of one request in partition " + pos.partition()
                        + " are not consecutive: " + positions);
            }
            if (n > 1) {
                b.putInt(at);
            }
        }
        return b.array();
    }

    static List<RecordPosition> decode(byte[] encoded) {
        ByteBuffer b = ByteBuffer.wrap(encoded);
        int count = b.getInt();
        int n = b.getInt();
        int[] partitions = new int[n];
        long[] next = new long[n];
        for (int i = 0; i < n; i++) {
            partitions[i] = b.getInt();
            next[i] = b.getLong();
        }
        List<RecordPosition> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = n > 1 ? b.getInt() : 0;
            out.add(new RecordPosition(partitions[at], next[at]++));
        }
        return out;
    }

    // ---- topics and life ----

    /** Forgets a deleted topic's keys, durably: a topic created later under the name starts with none. */
    public void forgetTopic(String topic) {
        // Resolutions queued before the deletion must reach the log before the tombstones, or a restart would read
        // a key back from a resolution written after its tombstone.
        try {
            resolutions.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("idempotency resolutions did not drain before forgetting topic '{}': {}", topic, e.toString());
        }
        String prefix = topic + '\0';
        List<NewRecord> tombstones = new ArrayList<>();
        synchronized (this) {
            committed.keySet().removeIf(k -> {
                if (k.startsWith(prefix)) {
                    tombstones.add(NewRecord.of(k.getBytes(StandardCharsets.UTF_8), null).toPartition(0));
                    return true;
                }
                return false;
            });
        }
        if (!tombstones.isEmpty()) {
            log.commitInternal(Commit.builder().append(TOPIC, tombstones).build()).join();
        }
    }

    /** Stops the resolution thread after the resolutions queued so far. */
    public void close() {
        resolutions.shutdown();
        try {
            resolutions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Finds a reserved request's records by their tag; null when they are gone (retention, deleted topic). */
    private Entry resolve(String key, Entry reserved) {
        int cut = key.indexOf('\0');
        String topic = key.substring(0, cut);
        String idempotencyKey = key.substring(cut + 1);
        if (log.topic(topic).isEmpty()) {
            return null;
        }
        Placement placement = reserved.placement();
        long[] next = new long[placement.partitions().length];
        for (int i = 0; i < next.length; i++) {
            long base = findTag(topic, placement.partitions()[i], placement.lowerBounds()[i], idempotencyKey);
            if (base < 0) {
                LOG.warn("idempotency key '{}' of topic '{}': its records are no longer in partition {}; forgotten",
                        idempotencyKey, topic, placement.partitions()[i]);
                return null;
            }
            next[i] = base;
        }
        List<RecordPosition> positions = new ArrayList<>(placement.partitionOf().length);
        for (int p : placement.partitionOf()) {
            int at = indexOf(placement.partitions(), p);
            positions.add(new RecordPosition(p, next[at]++));
        }
        return new Entry(reserved.fingerprint(), encode(positions), null, reserved.atMs());
    }

    private long findTag(String topic, int partition, long from, String idempotencyKey) {
        byte[] wanted = idempotencyKey.getBytes(StandardCharsets.UTF_8);
        long offset = from;
        long scanned = 0;
        while (scanned < MAX_SCAN_RECORDS) {
            List<LogRecord> batch = log.read(topic, partition, offset, 1000);
            if (batch.isEmpty()) {
                return -1;
            }
            for (LogRecord r : batch) {
                for (Header h : r.headers()) {
                    if (h.name().equals(HEADER) && Arrays.equals(h.value(), wanted)) {
                        return r.offset();
                    }
                }
                offset = r.offset() + 1;
                scanned++;
            }
        }
        return -1;
    }
}
