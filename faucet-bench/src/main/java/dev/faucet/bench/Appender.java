package dev.faucet.bench;

import dev.faucet.log.Log;
import dev.faucet.log.LogException;
import dev.faucet.log.NewRecord;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * One closed-loop appending thread: keeps up to {@code window} appends in flight, so that group commit can gather
 * them, and records each append's acknowledgement latency (from the call to the completion of its future) in
 * nanoseconds. A batch of one uses {@link Log#append(String, NewRecord)}, larger ones
 * {@link Log#append(String, List)}.
 */
final class Appender implements Runnable {
    private final Log log;
    private final String topic;
    private final List<NewRecord> batch;
    private final int window;
    private final Recorder latency;
    private final LongAdder acked;
    private final LongAdder failed;
    private final AtomicBoolean running;

    Appender(Log log, String topic, List<NewRecord> batch, int window, Recorder latency, LongAdder[] ackedFailed,
            AtomicBoolean running) {
        this.log = log;
        this.topic = topic;
        this.batch = batch;
        this.window = window;
        this.latency = latency;
        this.acked = ackedFailed[0];
        this.failed = ackedFailed[1];
        this.running = running;
    }

    /** {@code count} unkeyed records of {@code valueBytes} random bytes each (the log spreads them over partitions). */
    static List<NewRecord> records(int count, int valueBytes, long seed) {
        Random random = new Random(seed);
        NewRecord[] out = new NewRecord[count];
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            out[i] = NewRecord.of(value);
        }
        return List.of(out);
    }

    @Override
    public void run() {
        Semaphore inFlight = new Semaphore(window);
        int n = batch.size();
        try {
            while (running.get()) {
                inFlight.acquire();
                long t0 = System.nanoTime();
                CompletableFuture<?> f;
                try {
                    f = n == 1 ? log.append(topic, batch.get(0)) : log.append(topic, batch);
                } catch (LogException e) {
                    failed.increment();
                    inFlight.release();
                    break;
                }
                f.whenComplete((r, e) -> {
                    long t1 = System.nanoTime();
                    if (e == null) {
                        latency.recordValue(t1 - t0);
                        acked.add(n);
                    } else {
                        failed.increment();
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(window);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
