package dev.faucet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.log.RecordPosition;
import dev.faucet.server.CrashRecords.Batch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A client that publishes batches, one request at a time, as a careful client would: each batch gets its own
 * Idempotency-Key, and on a connection error, a 503 or a 429 the same batch is sent again with the same key, to
 * whatever address the server has now, until it gets an answer (or its retry budget runs out, or the test says give
 * up). Every other answer is unexpected and recorded. Runs on one thread; {@link #results} may be read once that
 * thread has ended.
 */
final class CrashPublisher implements Runnable {
    /** How long one batch is retried before it is abandoned. */
    static final Duration RETRY_BUDGET = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int id;
    private final String run;
    private final Random random;
    private final HttpClient client;
    private final Supplier<URI> server;
    private final AtomicBoolean stop;
    private final AtomicBoolean giveUp;
    private final List<Result> results = new ArrayList<>();
    private int connectionErrors;
    private int unavailable;

    /**
     * What became of a batch: the positions answered by the 200 (null without one), the attempts made, when the
     * answered attempt was sent (wall clock), and for an unexpected answer, which.
     */
    record Result(CrashRecords.Sent batch, List<RecordPosition> positions, int attempts, long answeredAttemptMs,
            String unexpected) {
        boolean acked() {
            return positions != null;
        }
    }

    /** The settings the publishers share. */
    record Shared(String run, HttpClient client, Supplier<URI> server, AtomicBoolean stop, AtomicBoolean giveUp) {
    }

    CrashPublisher(int id, long seed, Shared shared) {
        this.id = id;
        this.run = shared.run();
        this.random = new Random(seed);
        this.client = shared.client();
        this.server = shared.server();
        this.stop = shared.stop();
        this.giveUp = shared.giveUp();
    }

    @Override
    public void run() {
        for (int seq = 0; !stop.get() && !Thread.currentThread().isInterrupted(); seq++) {
            Batch batch = CrashRecords.batch(random, run, id, seq);
            results.add(publish(batch));
        }
    }

    private Result publish(Batch batch) {
        long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
        String body = batch.body();
        for (int attempt = 1;; attempt++) {
            long sentMs = System.currentTimeMillis();
            try {
                HttpResponse<String> r = client.send(request(server.get(), batch, body),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    List<RecordPosition> positions = positions(r.body(), batch.ids().size());
                    String unexpected = positions == null ? "200 " + r.body() : null;
                    return new Result(batch.sent(), positions, attempt, sentMs, unexpected);
                }
                if (r.statusCode() != 503 && r.statusCode() != 429) {
                    return new Result(batch.sent(), null, attempt, 0, r.statusCode() + " " + r.body());
                }
                unavailable++;
            } catch (IOException e) {
                connectionErrors++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(batch.sent(), null, attempt, 0, null);
            }
            if (System.nanoTime() > deadline || giveUp.get()) {
                return new Result(batch.sent(), null, attempt, 0, null);
            }
            try {
                Thread.sleep(Math.min(100, 5L << Math.min(attempt, 5)) + random.nextInt(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(batch.sent(), null, attempt, 0, null);
            }
        }
    }

    private static HttpRequest request(URI base, Batch batch, String body) {
        return HttpRequest.newBuilder(base.resolve(batch.path())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-ndjson").header("Idempotency-Key", batch.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The positions a 200 answered, one per record in request order; null if the answer is not that. */
    static List<RecordPosition> positions(String body, int records) {
        try {
            JsonNode offsets = JSON.readTree(body).get("offsets");
            if (offsets == null || !offsets.isArray() || offsets.size() != records) {
                return null;
            }
            List<RecordPosition> out = new ArrayList<>(offsets.size());
            for (JsonNode o : offsets) {
                out.add(new RecordPosition(o.get("partition").asInt(), o.get("offset").asLong()));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    List<Result> results() {
        return results;
    }

    int connectionErrors() {
        return connectionErrors;
    }

    int unavailable() {
        return unavailable;
    }
}
