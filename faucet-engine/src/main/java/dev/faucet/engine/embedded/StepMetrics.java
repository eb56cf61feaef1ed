package dev.faucet.engine.embedded;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What one step did since the pipeline was started in this process. */
final class StepMetrics {
    final LongAdder in = new LongAdder();
    final LongAdder out = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder nanos = new LongAdder();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();

    void dropped(String reason) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    Map<String, Long> droppedCounts() {
        Map<String, Long> m = new TreeMap<>();
        dropped.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
