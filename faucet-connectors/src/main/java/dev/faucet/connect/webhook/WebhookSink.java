package dev.faucet.connect.webhook;

import dev.faucet.engine.Sink;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.SinkContext;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkRecord;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Delivers records as HTTP POSTs. Idempotent, not transactional: every request carries an {@code Idempotency-Key}
 * that stays the same across the engine's retries and crashes, so a receiver that remembers keys applies each record
 * once; the engine keeps the positions.
 *
 * <p>With {@code batch: 1} each record is its own request, up to {@code concurrency} at once, and a failed attempt
 * names just the records that failed, so the engine retries only those. With {@code ordered}, a key's records are
 * sent one after another and a failure holds back the rest of its key, so that the receiver never sees a record
 * before the one preceding it. With a larger {@code batch}, the engine's batch is one request, delivered or not as
 * a whole.
 *
 * <p>Requests run on virtual threads, each waiting for one of {@code concurrency} permits and then for its answer
 * at most {@code timeout} (and a little more for the body): a stalled endpoint ties up neither platform threads nor
 * the sink for longer.
 */
final class WebhookSink implements Sink {
    /** Beyond the request's timeout (which bounds the wait for headers), how long an answer's body may take. */
    private static final long BODY_GRACE_MS = 1000;
    private final ConnectorConfig config;
    private WebhookSettings settings;
    private WebhookRequests requests;
    private WebhookAnswers answers;
    private Semaphore permits;
    private ExecutorService workers;
    private HttpClient client;

    WebhookSink(ConnectorConfig config) {
        this.config = config;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.IDEMPOTENT);
    }

    @Override
    public Map<Integer, Long> open(SinkContext context) throws SinkException {
        try {
            settings = new WebhookSettings(config);
        } catch (RuntimeException e) {
            throw SinkException.rejected("sink-config", "the webhook sink's settings are not usable: "
                    + e.getMessage(), e);
        }
        requests = new WebhookRequests(settings, context.pipeline());
        answers = new WebhookAnswers(settings);
        permits = new Semaphore(settings.concurrency);
        workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual()
                .name("faucet-webhook-" + context.pipeline() + "-" + context.partition() + "-", 0).factory());
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(workers)
                .build();
        return Map.of();
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        if (settings.batch > 1) {
            SinkException failure = post(requests.batch(batch));
            if (failure != null) {
                throw failure;  // no failed() map: the whole batch
            }
            return;
        }
        List<SinkRecord> records = batch.records();
        Map<Integer, SinkException> failed = new ConcurrentHashMap<>();
        List<Future<?>> running = new ArrayList<>();
        for (List<Integer> lane : lanes(records)) {
            running.add(workers.submit(() -> deliver(records, lane, failed)));
        }
        await(running);
        if (!failed.isEmpty()) {
            throw SinkException.partly(new TreeMap<>(failed));  // "first" is then the earliest record
        }
    }

    /**
     * Indexes of the records that must go one after another: each record alone, or when ordered the records of
     * each key in batch order (a record without key has no order to keep).
     */
    private List<List<Integer>> lanes(List<SinkRecord> records) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        List<List<Integer>> lanes = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String key = records.get(i).key();
            if (settings.ordered && key != null) {
                byKey.computeIfAbsent(key, k -> {
                    List<Integer> lane = new ArrayList<>();
                    lanes.add(lane);
                    return lane;
                }).add(i);
            } else {
                lanes.add(List.of(i));
            }
        }
        return lanes;
    }

    /** Sends a lane's records in order; after a failure, the rest of the lane is held back for a later attempt. */
    private void deliver(List<SinkRecord> records, List<Integer> lane, Map<Integer, SinkException> failed) {
        for (int n = 0; n < lane.size(); n++) {
            int index = lane.get(n);
            SinkException failure = post(requests.one(records.get(index)));
            if (failure != null) {
                failed.put(index, failure);
                for (int held : lane.subList(n + 1, lane.size())) {
                    failed.put(held, SinkException.retryable("sink-held", "not sent: an earlier record of key '"
                            + records.get(index).key() + "' failed (record " + index + " of the batch: "
                            + failure.getMessage() + ")", null));
                }
                return;
            }
        }
    }

    /**
     * One request, when a permit is free: null when delivered, else why not. Blocking {@code send} on a virtual
     * thread, not {@code sendAsync}: the latter completes its future on the common pool.
     */
    private SinkException post(HttpRequest request) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return interrupted(e);
        }
        Deadline deadline = new Deadline(settings.timeout.plusMillis(BODY_GRACE_MS), workers);
        try {
            return answers.of(client.send(request, WebhookAnswers.BODY));
        } catch (InterruptedException e) {
            if (deadline.end()) {
                return answers.failed(new HttpTimeoutException("no complete answer in time"));
            }
            Thread.currentThread().interrupt();
            return interrupted(e);
        } catch (IOException | RuntimeException e) {
            return answers.failed(e);
        } finally {
            deadline.end();
            permits.release();
        }
    }

    /** Waits for every lane; an interrupted wait (the pipeline stopping) fails the whole batch, to be tried again. */
    private void await(List<Future<?>> running) throws SinkException {
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw interrupted(e);
        } catch (ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            throw new IllegalStateException("a webhook delivery to " + settings.shownUrl + " failed unexpectedly: "
                    + e.getCause(), e.getCause());
        }
    }

    private SinkException interrupted(InterruptedException e) {
        return SinkException.retryable("sink-interrupted", "the delivery to " + settings.shownUrl
                + " was interrupted (the pipeline is stopping)", e);
    }

    @Override
    public void close() {
        if (client != null) {
            client.shutdownNow();
        }
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return settings == null ? "webhook sink (not open)" : settings.toString();
    }
}
