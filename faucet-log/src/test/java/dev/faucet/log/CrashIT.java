package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 under load, in a loop (RELIABILITY.md F1, harness layer 1): a child JVM ({@link CrashAppender}) appends
 * from 4 threads with durable acknowledgements and prints each acknowledged record; the test kills it with SIGKILL
 * 200 to 800 ms after it is ready, opens the log itself and checks, every cycle:
 *
 * <ul>
 *   <li>I1, I5: every acknowledged record is at its acknowledged partition and offset, with its value;</li>
 *   <li>I5: every offset ever read still holds the value it held, across all cycles; no value appears twice;</li>
 *   <li>I6: the records of each commit (single append, batch append or multi-topic commit) are all visible or
 *       none;</li>
 *   <li>each consumer group's committed offset is the one of its last visible commit, and at least the last one
 *       acknowledged.</li>
 * </ul>
 *
 * <p>{@code -Dfaucet.crash.cycles=N} (default 40) sets the cycles, {@code -Dfaucet.seed=N} the kill delays.
 */
class CrashIT {
    private static final int CYCLES = Integer.getInteger("faucet.crash.cycles", 40);
    private static final long SEED = Long.getLong("faucet.seed", System.nanoTime());
    private static final String[] TOPICS = {"a", "b"};

    @TempDir
    Path tmp;

    /** Every (topic, partition, offset) ever read, with its value. */
    private final Map<Position, String> everSeen = new HashMap<>();

    private record Position(String topic, int partition, long offset) {
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordWholeAndInPlaceAcrossKill9Cycles() throws Exception {
        Path data = tmp.resolve("data");
        Random random = new Random(SEED);
        System.out.println("CrashIT: seed " + SEED + ", " + CYCLES + " cycles (rerun with -Dfaucet.seed=" + SEED + ")");
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            long startNs = System.nanoTime();
            // Every fifth cycle kills at a random time after the start, maybe while the child recovers (F11).
            boolean early = cycle % 5 == 0;
            int delayMs = early ? random.nextInt(600) : 200 + random.nextInt(601);
            String when = delayMs + " ms after " + (early ? "the start" : "READY");
            String why = "seed " + SEED + ", cycle " + cycle + ", killed " + when;
            Child child = Child.start(data, cycle, tmp.resolve("child-" + cycle + ".err"));
            List<String> lines = child.killAfter(delayMs, early, why);
            Acks acks = Acks.parse(lines, why);
            String summary = check(data, acks, why);
            System.out.printf("cycle %d/%d: killed %s (exit 137), %d records and %d group offsets acknowledged; %s;"
                    + " %d ms%n", cycle, CYCLES, when, acks.records().size(), acks.groups().size(), summary,
                    (System.nanoTime() - startNs) / 1_000_000);
        }
    }

    // ---- the child ----

    /** A running {@link CrashAppender} and the thread that reads its stdout. */
    private record Child(Process process, Thread reader, List<String> lines, CountDownLatch ready, Path err) {
        static Child start(Path data, int cycle, Path err) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), CrashAppender.class.getName(), data.toString(),
                    Integer.toString(cycle)).redirectError(err.toFile()).start();
            List<String> lines = new ArrayList<>();
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().name("child-stdout").start(() -> read(p, lines, ready));
            return new Child(p, reader, lines, ready, err);
        }

        private static void read(Process p, List<String> lines, CountDownLatch ready) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("READ-ERROR " + e);
                }
            }
        }

        /**
         * Waits for READY (unless {@code early}), then {@code delayMs}, kills the child with SIGKILL, and returns
         * everything it printed.
         */
        List<String> killAfter(int delayMs, boolean early, String why) throws Exception {
            try {
                boolean isReady = early || ready.await(60, TimeUnit.SECONDS);
                assertThat(isReady).as(why + ": the child never got ready; its stderr:\n" + stderr()).isTrue();
                boolean exited = process.waitFor(delayMs, TimeUnit.MILLISECONDS);
                assertThat(exited).as(why + ": the child exited by itself; its stderr:\n" + stderr()).isFalse();
            } finally {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(process.isAlive()).as(why).isFalse();
            assertThat(process.exitValue()).as(why + ": exit code after SIGKILL").isEqualTo(137);
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(reader.isAlive()).as(why + ": stdout of the killed child never ended").isFalse();
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        private String stderr() throws IOException {
            return Files.exists(err) ? Files.readString(err) : "(none)";
        }
    }

    // ---- what the child acknowledged ----

    /** The acknowledged records by position, and the highest acknowledged offset per consumer group. */
    private record Acks(Map<Position, String> records, Map<String, Long> groups) {
        static Acks parse(List<String> lines, String why) {
            Map<Position, String> records = new HashMap<>();
            Map<String, Long> groups = new HashMap<>();
            for (String line : lines) {
                String[] f = line.split(" ");
                if (!f[f.length - 1].equals("$")) {
                    assertThat(line).as(why + ": only the last line may be cut by the kill")
                            .isEqualTo(lines.get(lines.size() - 1));
                } else if (f[0].equals("ACK") && f.length == 6) {
                    Position p = new Position(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]));
                    String before = records.put(p, f[4]);
                    assertThat(before).as(why + ": two acknowledgements for " + p).isNull();
                } else if (f[0].equals("ACKG") && f.length == 4) {
                    groups.merge(f[1], Long.parseLong(f[2]), Math::max);
                } else {
                    throw new AssertionError(why + ": unexpected line from the child: " + line);
                }
            }
            return new Acks(records, groups);
        }
    }

    // ---- checks ----

    private String check(Path data, Acks acks, String why) throws IOException {
        try (Log log = Log.open(data)) {
            Map<Position, LogRecord> now = readAll(log, why);
            acks.records().forEach((p, value) -> {
                assertThat(now).as(why + ": I1, the acknowledged record at " + p).containsKey(p);
                assertThat(now.get(p).valueAsString()).as(why + ": I5, the acknowledged record at " + p)
                        .isEqualTo(value);
            });
            everSeen.forEach((p, value) -> {
                assertThat(now).as(why + ": I5, the record once read at " + p).containsKey(p);
                assertThat(now.get(p).valueAsString()).as(why + ": I5, the record once read at " + p)
                        .isEqualTo(value);
            });
            int committedNotAcked = now.size() - everSeen.size() - acks.records().size();
            now.forEach((p, r) -> everSeen.put(p, r.valueAsString()));
            int commits = checkCommitsWhole(now, why);
            checkGroupOffsets(log, now, acks, why);
            return now.size() + " records visible in " + commits + " whole commits (" + committedNotAcked
                    + " new ones committed but not acknowledged before the kill), " + log.recoveryNotes().size()
                    + " recovery notes";
        }
    }

    /** Every record of both topics; offsets are dense and no value appears twice. */
    private static Map<Position, LogRecord> readAll(Log log, String why) {
        Map<Position, LogRecord> out = new HashMap<>();
        Map<String, Position> byValue = new HashMap<>();
        for (String topic : TOPICS) {
            for (int p = 0; p < log.topic(topic).orElseThrow().partitions().size(); p++) {
                List<LogRecord> records = LogDisk.readAll(log, topic, p);
                for (int i = 0; i < records.size(); i++) {
                    LogRecord r = records.get(i);
                    Position at = new Position(topic, p, r.offset());
                    assertThat(r.offset()).as(why + ": offsets of " + topic + "-" + p + " are dense").isEqualTo(i);
                    Position twice = byValue.put(r.valueAsString(), at);
                    assertThat(twice).as(why + ": value " + r.valueAsString() + " at " + at + " and " + twice).isNull();
                    out.put(at, r);
                }
            }
        }
        return out;
    }

    /** I6: each commit's records are all visible or none. Returns the number of visible commits. */
    private static int checkCommitsWhole(Map<Position, LogRecord> now, String why) {
        Map<String, Integer> visible = new HashMap<>();
        Map<String, Integer> expected = new HashMap<>();
        for (LogRecord r : now.values()) {
            String commit = header(r, "c");
            visible.merge(commit, 1, Integer::sum);
            expected.put(commit, Integer.parseInt(header(r, "n")));
        }
        visible.forEach((commit, n) -> assertThat(n).as(why + ": I6, visible records of commit " + commit)
                .isEqualTo(expected.get(commit)));
        return visible.size();
    }

    /** A group's committed offset is that of its last visible commit, and at least its last acknowledged one. */
    private static void checkGroupOffsets(Log log, Map<Position, LogRecord> now, Acks acks, String why) {
        Map<String, Long> lastVisible = new HashMap<>();
        for (LogRecord r : now.values()) {
            String offset = header(r, "o");
            if (offset != null) {
                String group = "g-" + header(r, "c").split("-")[1];
                lastVisible.merge(group, Long.parseLong(offset), Math::max);
            }
        }
        for (int t = 0; t < CrashAppender.THREADS; t++) {
            String group = "g-w" + t;
            Long expected = lastVisible.get(group);
            OptionalLong committed = log.committedOffset(group, "a", 0);
            assertThat(committed).as(why + ": committed offset of " + group)
                    .isEqualTo(expected == null ? OptionalLong.empty() : OptionalLong.of(expected));
            Long acked = acks.groups().get(group);
            if (acked != null) {
                assertThat(committed.orElseThrow()).as(why + ": I1, acknowledged offset of " + group)
                        .isGreaterThanOrEqualTo(acked);
            }
        }
    }

    private static String header(LogRecord r, String name) {
        return r.headers().stream().filter(h -> h.name().equals(name)).map(Header::valueAsString).findFirst()
                .orElse(null);
    }
}
