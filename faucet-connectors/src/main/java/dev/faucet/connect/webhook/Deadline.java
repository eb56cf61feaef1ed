package dev.faucet.connect.webhook;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts the thread of a request that has not completed in time. A request's own timeout only bounds the wait
 * for the answer's headers: an endpoint that sends headers and then stalls the body would otherwise hold the sink
 * for as long as the connection lives. The timer runs on the JDK's delay thread and then on {@code executor},
 * never on the common pool, whose single worker on a small machine may be busy elsewhere.
 */
final class Deadline {
    private final Thread thread = Thread.currentThread();
    private final CompletableFuture<Void> timer;
    private boolean ended;
    private boolean passed;

    /** Starts the timer for the calling thread. */
    Deadline(Duration after, Executor executor) {
        this.timer = CompletableFuture.runAsync(this::pass,
                CompletableFuture.delayedExecutor(after.toMillis(), TimeUnit.MILLISECONDS, executor));
    }

    private synchronized void pass() {
        if (!ended) {
            passed = true;
            thread.interrupt();
        }
    }

    /**
     * Stops the timer, from the thread it guards: true when the deadline passed, in which case the interrupt it
     * caused is cleared (it was not a request to stop).
     */
    synchronized boolean end() {
        if (!ended) {
            ended = true;
            timer.cancel(false);
            if (passed) {
                Thread.interrupted();
            }
        }
        return passed;
    }
}
