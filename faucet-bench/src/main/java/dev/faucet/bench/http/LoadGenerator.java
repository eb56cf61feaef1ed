package dev.faucet.bench.http;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * {@code http-load}: the load generator, meant to run in its own JVM next to the server. It creates the topic if
 * needed, starts one {@link LoadWorker} thread per connection, lets them warm up, measures for the given duration
 * and prints the figures ({@link LoadResult}). Open-loop workers are spread evenly over their interval, so the
 * requests of all connections together arrive at the asked rate.
 */
final class LoadGenerator {
    private static final int READ_TIMEOUT_MS = 30_000;
    private static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long JOIN_GRACE_MS = 60_000;

    private LoadGenerator() {
    }

    static LoadResult run(LoadConfig c) throws IOException, InterruptedException {
        createTopic(c);
        byte[] request = c.request();
        long t0 = System.nanoTime() + START_DELAY_NS;
        long start = t0 + c.warmup().toNanos();
        LoadWorker.Window window = new LoadWorker.Window(start, start + c.duration().toNanos(), new AtomicBoolean());
        long intervalNs = c.rate() == 0 ? 0 : (long) (c.connections() * 1e9 / c.rate());
        List<LoadWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < c.connections(); i++) {
            LoadWorker w = new LoadWorker(new HttpConnection(c.address(), READ_TIMEOUT_MS), request,
                    c.recordsPerRequest(), window, t0 + intervalNs * i / c.connections(), intervalNs);
            Thread t = new Thread(w, "load-" + i);
            t.setDaemon(true);
            workers.add(w);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        LoadWorker.parkUntil(window.startNs());
        ProcCpu.Sample before = ProcCpu.sample(c.serverPid());
        System.out.println("  measuring from " + Instant.now() + " (UTC; to match with a profile of the server)");
        LoadWorker.parkUntil(window.endNs());
        ProcCpu.Usage cpu = before.until(ProcCpu.sample(c.serverPid()));
        join(threads, window);
        return result(c, workers, (window.endNs() - window.startNs()) / 1e9, cpu);
    }

    private static LoadResult result(LoadConfig c, List<LoadWorker> workers, double seconds, ProcCpu.Usage cpu) {
        Histogram all = new Histogram(3);
        long ok = 0;
        long connects = 0;
        Map<String, Long> errors = new TreeMap<>();
        for (int i = 0; i < workers.size(); i++) {
            LoadWorker w = workers.get(i);
            all.add(w.latencyNs());
            ok += w.ok();
            connects += w.connects();
            w.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
            if (w.badAnswer() != null) {
                String s = w.badAnswer();
                System.out.println("  first error on connection " + i + ": "
                        + s.substring(0, Math.min(300, s.length())));
            }
        }
        if (connects > workers.size()) {
            System.out.printf("  %d connections were opened for %d workers (the server closed some)%n", connects,
                    workers.size());
        }
        return new LoadResult(c.mode().label(), c.connections(), c.rate(), seconds, ok,
                ok * c.recordsPerRequest(), ms(all.getValueAtPercentile(50)), ms(all.getValueAtPercentile(99)),
                ms(all.getValueAtPercentile(99.9)), ms(all.getMaxValue()), errors, cpu);
    }

    /** Waits for the workers to finish their last request; past a grace period, aborts them. */
    private static void join(List<Thread> threads, LoadWorker.Window window) throws InterruptedException {
        long deadline = System.currentTimeMillis() + JOIN_GRACE_MS;
        for (Thread t : threads) {
            t.join(Math.max(1, deadline - System.currentTimeMillis()));
            if (t.isAlive()) {
                window.abort().set(true);
                System.out.println("  " + t.getName() + " did not finish its last request within "
                        + JOIN_GRACE_MS / 1000 + " s; not waiting for it");
            }
        }
    }

    /** Creates the topic; one that exists already (409) is fine. */
    static void createTopic(LoadConfig c) throws IOException {
        try (HttpConnection admin = new HttpConnection(c.address(), READ_TIMEOUT_MS)) {
            ResponseReader.Response r = admin.exchange(Requests.createTopic(c.hostPort(), c.topic(), c.partitions(),
                    c.fsync()));
            if (r.status() != 201 && r.status() != 409) {
                throw new IOException("creating topic " + c.topic() + " answered " + r.status() + ": "
                        + admin.reader().bodyText());
            }
        }
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }

    /** Runs the command line and prints the figures, the last line machine-readable. */
    static void main(List<String> args) throws IOException, InterruptedException {
        LoadConfig c = LoadConfig.parse(args);
        System.out.printf("http-load: %s, %d connections, %s, %s warm-up, %s measured, against %s%n",
                c.mode().label(), c.connections(), c.rate() == 0 ? "closed loop (max)" : "open loop at "
                        + Math.round(c.rate()) + " requests/s", c.warmup(), c.duration(), c.url());
        LoadResult r = run(c);
        System.out.printf("  %,.0f requests/s, %,.0f records/s; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                + " max %.2f ms; errors %s; CPU server %.2f, load generator %.2f, kernel %.2f, others %.2f cores%n",
                r.requestsPerSecond(), r.recordsPerSecond(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(),
                r.errorText(), r.cpu().server(), r.cpu().client(), r.cpu().kernel(), r.cpu().others());
        System.out.println(r.line());
    }
}
