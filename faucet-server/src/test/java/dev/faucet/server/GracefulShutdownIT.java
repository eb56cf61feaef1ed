package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.log.Log;
import dev.faucet.log.RecordPosition;
import dev.faucet.server.CrashPublisher.Result;
import dev.faucet.server.CrashRecords.Batch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load: the server (the shaded jar in a child JVM) is stopped with {@link Process#destroy} while 3
 * threads publish batches. Every request must be answered 200, or refused with a 503 or a connection error once the
 * stop began, never anything else; the server exits on its own with 0 or 143 and logs no error; the log it leaves needs
 * no repair (opened with {@link Log#open}, it has no recovery notes: the server itself does not print them); and after
 * a restart every record answered 200 is there at its offset, exactly once and intact, and nothing else is there
 * twice or torn ({@link CrashCheck}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GracefulShutdownIT {
    private static final long SEED = Long.getLong("faucet.seed", System.nanoTime());
    private static final int PUBLISHERS = 3;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private final List<ServerChild> children = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private volatile long sigtermNanos = Long.MAX_VALUE;

    /** One request: its result, and whether it was refused (503, connection error) or ended after the SIGTERM. */
    private record Sent(Result result, boolean refused, boolean afterSigterm, String refusal) {
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        children.forEach(ServerChild::close);
        client.close();
    }

    @Test
    void shouldAnswerEveryRequestAndKeepEveryAcknowledgedRecordWhenStoppedWithSigterm() throws Exception {
        System.out.println("GracefulShutdownIT: seed " + SEED + " (rerun with -Dfaucet.seed=" + SEED + ")");
        Path data = tmp.resolve("data");
        ServerChild server = start(data);
        URI uri = server.awaitListening(Duration.ofSeconds(60));
        createTopic(uri);
        List<List<Sent>> sent = startPublishers(uri);
        Thread.sleep(1500);

        sigtermNanos = System.nanoTime();
        int exit = server.terminate(Duration.ofSeconds(30));
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermNanos);
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(exit).as("exit code after SIGTERM; stderr:%n%s", server.stderr()).isIn(0, 143);
        assertThat(server.stderr()).contains("stopped serving " + uri).doesNotContain("ERROR", "WARN", "Exception");
        assertThat(data.resolve(FaucetServer.PORT_FILE)).as("removed by the graceful stop").doesNotExist();
        List<Sent> all = sent.stream().flatMap(List::stream).toList();
        checkAnswers(all);
        try (Log log = Log.open(data)) {
            assertThat(log.recoveryNotes()).as("what reopening the log after a graceful stop had to repair").isEmpty();
        }
        ServerChild again = start(data);
        CrashCheck check = new CrashCheck(all.stream().map(Sent::result).toList());
        TopicDump.readAll(client, again.awaitListening(Duration.ofSeconds(60)), CrashRecords.TOPIC, check);
        check.finish();
        System.out.printf("GracefulShutdownIT: stopped %d ms after SIGTERM with exit code %d; %d requests, %d answered"
                + " 200 after the SIGTERM, %d refused with a 503, %d with a connection error; %s; the restarted server"
                + " logged: %s%n", stopMs, exit, all.size(),
                all.stream().filter(s -> s.afterSigterm() && !s.refused()).count(),
                all.stream().filter(s -> s.refused() && s.refusal().startsWith("503")).count(),
                all.stream().filter(s -> s.refused() && !s.refusal().startsWith("503")).count(), check.summary(),
                again.stderr().strip().replace("\n", " | "));
        assertThat(check.failures()).as("seed %d; %s", SEED, check.summary()).isEmpty();
        assertThat(again.terminate(Duration.ofSeconds(30))).isIn(0, 143);
    }

    /** 200 before the SIGTERM; after it 200, 503 or a connection error; nothing else ever. */
    private void checkAnswers(List<Sent> all) {
        assertThat(all).as("requests sent").isNotEmpty();
        for (Sent s : all) {
            String what = "batch " + s.result().batch().idempotencyKey();
            assertThat(s.result().unexpected()).as("%s: answer", what).isNull();
            if (s.refused()) {
                assertThat(s.afterSigterm()).as("%s was refused (%s) before the SIGTERM", what, s.refusal()).isTrue();
            }
        }
        assertThat(all.stream().filter(s -> s.result().acked())).as("requests answered 200").isNotEmpty();
    }

    private List<List<Sent>> startPublishers(URI uri) {
        List<List<Sent>> out = new ArrayList<>();
        for (int i = 0; i < PUBLISHERS; i++) {
            List<Sent> mine = new ArrayList<>();
            out.add(mine);
            int id = i;
            threads.add(Thread.ofPlatform().name("publisher-" + i).start(() -> publish(uri, id, mine)));
        }
        return out;
    }

    /** Publishes until the server refuses or the test stops; one attempt per batch, no retries. */
    private void publish(URI uri, int id, List<Sent> out) {
        Random random = new Random(SEED * 31 + id);
        for (int seq = 0; !stop.get(); seq++) {
            Batch b = CrashRecords.batch(random, "graceful-" + SEED, id, seq);
            long sentMs = System.currentTimeMillis();
            String refusal;
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri.resolve(b.path()))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-ndjson")
                        .header("Idempotency-Key", b.idempotencyKey())
                        .POST(HttpRequest.BodyPublishers.ofString(b.body())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 503) {
                    List<RecordPosition> positions = r.statusCode() == 200
                            ? CrashPublisher.positions(r.body(), b.ids().size()) : null;
                    String unexpected = positions == null ? r.statusCode() + " " + r.body() : null;
                    Result result = new Result(b.sent(), positions, 1, sentMs, unexpected);
                    out.add(new Sent(result, false, afterSigterm(), null));
                    continue;
                }
                refusal = "503 " + r.body();
            } catch (IOException e) {
                refusal = e.toString();
            } catch (InterruptedException e) {
                return;
            }
            out.add(new Sent(new Result(b.sent(), null, 1, 0, null), true, afterSigterm(), refusal));
            if (afterSigterm()) {
                return;
            }
        }
    }

    private boolean afterSigterm() {
        return System.nanoTime() > sigtermNanos;
    }

    private ServerChild start(Path data) throws IOException {
        ServerChild child = ServerChild.start(data, tmp.resolve("server-" + (children.size() + 1) + ".err"));
        children.add(child);
        return child;
    }

    private void createTopic(URI uri) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri.resolve("/v1/topics"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + CrashRecords.TOPIC + "\",\"partitions\":4}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("creating the topic: %s", r.body()).isIn(200, 201);
    }
}
