package dev.faucet.connect.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.faucet.connect.postgres.PostgresFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sinks under kill -9: a child JVM ({@link SinkCrashChild}) runs an exactly-once pipeline with a PostgreSQL sink
 * (plain inserts into a table without a key, so a row written twice shows) and a webhook sink, and publishes while
 * the test kills it with SIGKILL 0.3 to 1.5 s after it is ready, {@code crash.kills} times (default 6); a last child
 * drains. Then every acknowledged record is a row exactly once; no row repeats; the receiver got every acknowledged
 * record, every repeat of a record under the same Idempotency-Key with the same body, and no two records under one
 * key. {@code -Dcrash.seed=N} replays the kill delays.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SinkCrashIT {
    private static final int KILLS = Integer.getInteger("crash.kills", 6);
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;
    private final Map<String, Set<String>> bodiesByKey = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keysById = new ConcurrentHashMap<>();

    @Test
    void rowsExactlyOnceAndEveryWebhookDeliveryUnderItsOwnKeyAcrossKill9() throws Exception {
        System.out.println("SinkCrashIT: " + KILLS + " kills, seed " + SEED + " (rerun with -Dcrash.seed=" + SEED
                + ")");
        try (EmbeddedPostgres pg = PostgresFixture.start()) {
            PostgresFixture.sql(pg, "faucet_test", "CREATE TABLE orders (id text NOT NULL, n bigint NOT NULL)");
            HttpServer hook = receiver();
            try {
                String pgUrl = PostgresFixture.url(pg, "faucet_test");
                String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hooks/orders";
                Set<Long> acked = run(pgUrl, hookUrl);
                check(pg, acked);
            } finally {
                hook.stop(0);
            }
        }
    }

    private Set<Long> run(String pgUrl, String hookUrl) throws Exception {
        Random random = new Random(SEED);
        Set<Long> acked = new TreeSet<>();
        Path data = tmp.resolve("data");
        for (int k = 1; k <= KILLS; k++) {
            int delay = 300 + random.nextInt(1201);
            Process p = child(data, pgUrl, hookUrl, "publish", tmp.resolve("child-" + k + ".err"));
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> read(p, lines));
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                synchronized (lines) {
                    return !p.isAlive() || lines.stream().anyMatch(l -> l.startsWith("READY"));
                }
            });
            assertThat(p.isAlive()).as("kill %d: the child is running; stderr: %s", k, stderr(tmp.resolve("child-"
                    + k + ".err"))).isTrue();
            Thread.sleep(delay); // the kill lands this long after READY: the point of the test, not a wait
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit code after SIGKILL").isEqualTo(137);
            reader.join(10_000);
            int before = acked.size();
            synchronized (lines) {
                for (String l : lines) {
                    if (l.startsWith("ACK ") && l.endsWith(" $")) {
                        String[] range = l.substring(4, l.length() - 2).split("-");
                        for (long s = Long.parseLong(range[0]); s <= Long.parseLong(range[1]); s++) {
                            acked.add(s);
                        }
                    }
                }
            }
            System.out.printf("kill %d/%d after %d ms: %d records acknowledged%n", k, KILLS, delay,
                    acked.size() - before);
        }
        Process last = child(data, pgUrl, hookUrl, "drain", tmp.resolve("drain.err"));
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> read(last, lines));
        assertThat(last.waitFor(180, TimeUnit.SECONDS)).as("the drain child finished").isTrue();
        reader.join(10_000);
        assertThat(last.exitValue()).as("drain exit; output %s; stderr %s", lines, stderr(tmp.resolve("drain.err")))
                .isZero();
        System.out.println("drained: " + lines.get(lines.size() - 1));
        assertThat(acked).as("the children acknowledged records at all").isNotEmpty();
        return acked;
    }

    private void check(EmbeddedPostgres pg, Set<Long> acked) throws Exception {
        Map<Long, Integer> rows = new HashMap<>();
        try (Connection c = pg.getDatabase("postgres", "faucet_test").getConnection(); Statement st =
                c.createStatement(); ResultSet rs = st.executeQuery("SELECT n FROM orders")) {
            while (rs.next()) {
                rows.merge(rs.getLong(1), 1, Integer::sum);
            }
        }
        List<Long> repeated = rows.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        List<Long> missing = acked.stream().filter(s -> !rows.containsKey(s)).toList();
        System.out.printf("SinkCrashIT: %d acknowledged, %d rows (%d distinct), %d webhook keys%n", acked.size(),
                rows.values().stream().mapToInt(Integer::intValue).sum(), rows.size(), bodiesByKey.size());
        assertThat(repeated).as("rows written more than once (seed %d)", SEED).isEmpty();
        assertThat(missing).as("acknowledged records without a row (seed %d)", SEED).isEmpty();
        List<Long> notDelivered = acked.stream().filter(s -> !keysById.containsKey("o-" + s)).toList();
        assertThat(notDelivered).as("acknowledged records the webhook never got (seed %d)", SEED).isEmpty();
        bodiesByKey.forEach((key, bodies) -> assertThat(bodies).as("bodies under Idempotency-Key %s", key)
                .hasSize(1));
        keysById.forEach((id, keys) -> assertThat(keys).as("Idempotency-Keys of record %s", id).hasSize(1));
        assertThat(rows.keySet()).as("every row is a record that the webhook got too")
                .allMatch(s -> keysById.containsKey("o-" + s));
    }

    private HttpServer receiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/hooks/orders", ex -> {
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodiesByKey.computeIfAbsent(String.valueOf(key), x -> ConcurrentHashMap.newKeySet()).add(body);
            int at = body.indexOf("\"id\":\"");
            String id = at < 0 ? "?" : body.substring(at + 6, body.indexOf('"', at + 6));
            keysById.computeIfAbsent(id, x -> ConcurrentHashMap.newKeySet()).add(String.valueOf(key));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
        return server;
    }

    private static Process child(Path data, String pgUrl, String hookUrl, String mode, Path err) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (Runtime.version().feature() >= 24) {
            command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SinkCrashChild.class.getName(),
                data.toString(), pgUrl, hookUrl, mode));
        return new ProcessBuilder(command).redirectError(err.toFile()).start();
    }

    private static void read(Process p, List<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the child was killed mid-line: the trailing '$' tells
        }
    }

    private static String stderr(Path err) throws IOException {
        return Files.exists(err) ? Files.readString(err) : "(none)";
    }
}
