package dev.faucet.engine.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faucet.engine.Lookup;
import dev.faucet.engine.Step;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache in front of an enrich step's {@link Lookup}, shared by the step's tasks: at most {@code size} keys, least
 * recently used first out; a value is used for {@code ttl}, and a hit on a value older than half of it refreshes it
 * in the background (one thread per step), so hot keys neither stall nor go stale. Keys without a row are cached
 * too, so a stream of unknown keys does not reach the database each time. Counted as
 * {@code faucet.pipeline.lookup.requests{result=hit|miss}}, {@code faucet.pipeline.lookup.refreshes} and
 * {@code faucet.pipeline.lookup.failures}.
 */
final class LookupCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LookupCache.class);
    private static final JsonNode NONE = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

    private final Lookup lookup;
    private final long size;
    private final long ttlNanos;
    private final Map<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final ExecutorService refresher;
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder refreshes = new LongAdder();
    final LongAdder failures = new LongAdder();
    private final List<Meter> meters = new ArrayList<>();
    private final MeterRegistry registry;

    private record Entry(JsonNode value, long loadedNanos) {
    }

    LookupCache(Lookup lookup, Step.Lookup.Cache cache, String pipeline, String step, MeterRegistry registry) {
        this.lookup = lookup;
        this.size = cache.size();
        this.ttlNanos = cache.ttl().toNanos();
        this.registry = registry;
        this.refresher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "faucet-lookup-refresh-" + pipeline + "-" + step);
            t.setDaemon(true);
            return t;
        });
        Tags tags = Tags.of("pipeline", pipeline, "step", step);
        meters.add(FunctionCounter.builder("faucet.pipeline.lookup.requests", hits, LongAdder::sum)
                .tags(tags.and("result", "hit")).description("Lookups of an enrich step, by result")
                .register(registry));
        meters.add(FunctionCounter.builder("faucet.pipeline.lookup.requests", misses, LongAdder::sum)
                .tags(tags.and("result", "miss")).description("Lookups of an enrich step, by result")
                .register(registry));
        meters.add(FunctionCounter.builder("faucet.pipeline.lookup.refreshes", refreshes, LongAdder::sum).tags(tags)
                .description("Cached values an enrich step refreshed in the background").register(registry));
        meters.add(FunctionCounter.builder("faucet.pipeline.lookup.failures", failures, LongAdder::sum).tags(tags)
                .description("Lookups of an enrich step that failed").register(registry));
    }

    /** The value for {@code key} (null when the source has none), from the cache when it is fresh enough. */
    JsonNode get(String key) throws Lookup.LookupException {
        long now = System.nanoTime();
        Entry e;
        synchronized (entries) {
            e = entries.get(key);
        }
        if (e != null && now - e.loadedNanos < ttlNanos) {
            hits.increment();
            if (now - e.loadedNanos > ttlNanos / 2 && refreshing.add(key)) {
                refresher.execute(() -> refresh(key));
            }
            return e.value == NONE ? null : e.value;
        }
        misses.increment();
        JsonNode v = load(key);
        put(key, v, now);
        return v;
    }

    private JsonNode load(String key) throws Lookup.LookupException {
        try {
            return lookup.get(key);
        } catch (Lookup.LookupException | RuntimeException e) {
            failures.increment();
            throw e;
        }
    }

    private void refresh(String key) {
        try {
            long now = System.nanoTime();
            put(key, load(key), now);
            refreshes.increment();
        } catch (Lookup.LookupException | RuntimeException e) {
            // the value in the cache serves until its ttl ends; then a lookup tries (and fails) in the open
            LOG.debug("refreshing '{}' failed: {}", key, e.toString());
        } finally {
            refreshing.remove(key);
        }
    }

    private void put(String key, JsonNode value, long loadedNanos) {
        synchronized (entries) {
            entries.put(key, new Entry(value == null ? NONE : value, loadedNanos));
            var it = entries.entrySet().iterator();
            while (entries.size() > size && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        meters.forEach(registry::remove);
        try {
            lookup.close();
        } catch (RuntimeException e) {
            LOG.warn("closing a lookup: {}", e.toString());
        }
    }
}
