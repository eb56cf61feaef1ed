package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open-loop overload of a server in a child JVM with a small heap: 256 KiB NDJSON bodies offered at a fixed rate far
 * above what the disk takes, to a topic whose only consumer group never reads. Memory must stay bounded: the server
 * refuses with 429 (backlog) and 503 (memory for bodies in flight) instead of running out of heap, stays live, and
 * every record it acknowledged is there.
 */
@Timeout(120)
class OverloadIT {
    private static final String LISTENING = "faucet listening on ";
    private static final String HEAP = "96m";
    private static final int BODY_RECORDS = 1300;
    private static final Pattern HEAP_USED = Pattern.compile(
            "jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"} ([0-9.E]+)");

    @TempDir
    Path dir;

    private Process faucet;

    @AfterEach
    void killTheChild() {
        if (faucet != null) {
            faucet.destroyForcibly();
        }
    }

    @Test
    void underOpenLoopOverloadTheServerRefusesInsteadOfRunningOutOfMemory() throws Exception {
        Files.writeString(dir.resolve("faucet.yaml"), """
                limits: { maxBody: 1MiB, maxInFlight: 8MiB }
                backlog: { maxRecords: 150000, maxBytes: 1GiB, retryAfter: 1s }
                """);
        URI base = start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        post(client, base, "/v1/topics", "application/json", "{\"name\":\"orders\",\"partitions\":4}".getBytes());
        subscribeAndLeave(client, base);

        byte[] body = body();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong acked = new AtomicLong();
        AtomicLong peakHeap = new AtomicLong();
        Semaphore outstanding = new Semaphore(128);
        long offered = 0;
        long skipped = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long nextSample = 0;
        for (long next = System.nanoTime(); next < end; next += TimeUnit.MILLISECONDS.toNanos(2)) {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            offered++;
            if (!outstanding.tryAcquire()) {
                skipped++;
                continue;
            }
            client.sendAsync(request(base, body), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                outstanding.release();
                int status = e != null ? -1 : r.statusCode();
                statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                if (status == 200) {
                    acked.addAndGet(BODY_RECORDS);
                }
            });
            if (System.nanoTime() > nextSample) {
                peakHeap.accumulateAndGet(heapUsed(client, base), Math::max);
                nextSample = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
            }
        }
        outstanding.acquire(128);

        System.out.printf("offered %d bodies of %d records (%d not sent: 128 already outstanding); answers %s;"
                + " peak heap used %d MiB of %s%n", offered, BODY_RECORDS, skipped, statuses, peakHeap.get() >> 20,
                HEAP);
        assertThat(faucet.isAlive()).as("server alive; stderr:%n%s", stderr()).isTrue();
        assertThat(stderr()).doesNotContain("OutOfMemoryError");
        assertThat(statuses.keySet()).as("answers by status").contains(200, 429).doesNotContain(500);
        assertThat(get(client, base, "/health/live").statusCode()).isEqualTo(200);
        assertThat(endOffsets(client, base)).as("every acknowledged record is there").isEqualTo(acked.get());
    }

    private URI start() throws IOException {
        String jar = System.getProperty("faucet.jar");
        assertThat(jar).as("system property faucet.jar (set by failsafe in faucet-server/pom.xml)").isNotNull();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + HEAP, "-XX:+UseSerialGC"));
        if (Runtime.version().feature() >= 24) {
            command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of("-jar", jar, "server", "--port", "0", "--data", dir.resolve("data").toString(),
                "--config", dir.resolve("faucet.yaml").toString()));
        faucet = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(faucet.getInputStream(),
                StandardCharsets.UTF_8));
        for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
            if (line.startsWith(LISTENING)) {
                return URI.create(line.substring(LISTENING.length()).strip());
            }
        }
        throw new AssertionError("faucet exited without listening; stderr:\n" + stderr());
    }

    private static byte[] body() {
        StringBuilder b = new StringBuilder();
        String pad = "x".repeat(170);
        for (int i = 0; i < BODY_RECORDS; i++) {
            b.append("{\"id\":").append(i).append(",\"pad\":\"").append(pad).append("\"}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static HttpRequest request(URI base, byte[] body) {
        return HttpRequest.newBuilder(base.resolve("/v1/topics/orders/records")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** A group that joins from the beginning and never reads again: everything after is its backlog. */
    private static void subscribeAndLeave(HttpClient client, URI base) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(base.resolve("/v1/topics/orders/subscribe?group=never&from=earliest"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> sse = client.send(r, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = sse.body()) {
            assertThat(in.read()).isEqualTo(':');
        }
    }

    private static long heapUsed(HttpClient client, URI base) {
        try {
            Matcher m = HEAP_USED.matcher(get(client, base, "/metrics").body());
            long sum = 0;
            while (m.find()) {
                sum += (long) Double.parseDouble(m.group(1));
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    private static long endOffsets(HttpClient client, URI base) throws IOException, InterruptedException {
        JsonNode topic = new ObjectMapper().readTree(get(client, base, "/v1/topics/orders").body());
        long sum = 0;
        for (JsonNode p : topic.get("partitions")) {
            sum += p.get("endOffset").asLong();
        }
        return sum;
    }

    private static HttpResponse<String> get(HttpClient client, URI base, String path)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void post(HttpClient client, URI base, String path, String type, byte[] body)
            throws IOException, InterruptedException {
        client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String stderr() throws IOException {
        Path file = dir.resolve("stderr.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
