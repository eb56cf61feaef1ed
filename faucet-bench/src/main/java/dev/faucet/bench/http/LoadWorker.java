package dev.faucet.bench.http;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One load thread and its connection: one request in flight at a time, the same request every time.
 *
 * <p>Closed loop ({@code intervalNs == 0}): the next request goes as soon as the previous one is answered, and
 * latency runs from the send. Open loop: request {@code k} is due at {@code firstNs + k * intervalNs}; the thread
 * sends it then, or at once if it is late, and latency runs from the <em>due</em> time, so a stalled server is
 * charged for every request it kept waiting (no coordinated omission), as wrk2 does.
 *
 * <p>A request counts in the latency histogram when it was due (or sent) within the measured window, and in the
 * throughput when its answer came within it. Only 200 answers are timed; other statuses and I/O errors are counted
 * by kind. Everything here is written by this thread only and read after it ended.
 */
final class LoadWorker implements Runnable {
    /** After an I/O error, wait this long before reconnecting, so a dead server is not spun on. */
    private static final long ERROR_PAUSE_NS = 10_000_000;

    private final HttpConnection connection;
    private final byte[] request;
    private final int recordsPerRequest;
    private final Window window;
    private final long firstNs;
    private final long intervalNs;
    private final Histogram latencyNs = new Histogram(3);
    private final Map<String, Long> errors = new TreeMap<>();
    private long ok;
    private String badAnswer;
    private boolean checked;

    /** The measured interval, {@code [startNs, endNs)} in {@link System#nanoTime()}, and a stop for aborts. */
    record Window(long startNs, long endNs, AtomicBoolean abort) {
        boolean contains(long ns) {
            return ns - startNs >= 0 && ns - endNs < 0;
        }
    }

    LoadWorker(HttpConnection connection, byte[] request, int recordsPerRequest, Window window, long firstNs,
            long intervalNs) {
        this.connection = connection;
        this.request = request;
        this.recordsPerRequest = recordsPerRequest;
        this.window = window;
        this.firstNs = firstNs;
        this.intervalNs = intervalNs;
    }

    @Override
    public void run() {
        try {
            long due = firstNs;
            while (!window.abort().get()) {
                long sent;
                if (intervalNs > 0) {
                    if (due - window.endNs() >= 0) {
                        return;
                    }
                    parkUntil(due);
                    sent = due;
                    due += intervalNs;
                } else {
                    sent = System.nanoTime();
                    if (sent - window.endNs() >= 0) {
                        return;
                    }
                }
                exchange(sent);
            }
        } finally {
            connection.close();
        }
    }

    private void exchange(long sentNs) {
        String error = null;
        try {
            ResponseReader.Response r = connection.exchange(request);
            if (r.status() != 200) {
                error = Integer.toString(r.status());
                badAnswer = badAnswer != null ? badAnswer : r.status() + " " + connection.reader().bodyText();
            } else if (!checked && !offsetsMatch()) {
                error = "bad-answer";
                badAnswer = badAnswer != null ? badAnswer : "200 with a wrong number of offsets: "
                        + connection.reader().bodyText();
            }
        } catch (SocketTimeoutException e) {
            error = "timeout";
        } catch (IOException | RuntimeException e) {
            error = "io";
            badAnswer = badAnswer != null ? badAnswer : e.toString();
        }
        long done = System.nanoTime();
        if (error == null && window.contains(sentNs)) {
            latencyNs.recordValue(Math.max(0, done - sentNs));
        }
        if (window.contains(done)) {
            if (error == null) {
                ok++;
            } else {
                errors.merge(error, 1L, Long::sum);
            }
        }
        if ("io".equals(error)) {
            LockSupport.parkNanos(ERROR_PAUSE_NS);
        }
    }

    /** Once per connection: the answer holds one offset per record sent, so the server did the work. */
    private boolean offsetsMatch() {
        checked = true;
        String body = connection.reader().bodyText();
        int offsets = 0;
        for (int i = body.indexOf("\"offset\":"); i >= 0; i = body.indexOf("\"offset\":", i + 1)) {
            offsets++;
        }
        return offsets == recordsPerRequest;
    }

    static void parkUntil(long dueNs) {
        for (long wait = dueNs - System.nanoTime(); wait > 0; wait = dueNs - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    Histogram latencyNs() {
        return latencyNs;
    }

    long ok() {
        return ok;
    }

    Map<String, Long> errors() {
        return errors;
    }

    /** The first non-200 answer or I/O error, for the report; null if none. */
    String badAnswer() {
        return badAnswer;
    }

    long connects() {
        return connection.connects();
    }
}
