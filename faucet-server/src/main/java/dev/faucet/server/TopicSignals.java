package dev.faucet.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes subscribers when their topic gets records, so an idle subscription waits instead of polling the log. A
 * missed signal costs at most the wait's timeout, never a record: subscribers always re-read the log.
 */
final class TopicSignals {
    private final Map<String, Object> monitors = new ConcurrentHashMap<>();

    void appended(String topic) {
        Object m = monitors.get(topic);
        if (m != null) {
            synchronized (m) {
                m.notifyAll();
            }
        }
    }

    void await(String topic, long timeoutMs) throws InterruptedException {
        Object m = monitors.computeIfAbsent(topic, t -> new Object());
        synchronized (m) {
            m.wait(timeoutMs);
        }
    }
}
