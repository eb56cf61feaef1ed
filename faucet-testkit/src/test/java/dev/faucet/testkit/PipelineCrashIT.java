package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.testkit.CrashInputs.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three delivery guarantees of the embedded runtime under kill -9 (RELIABILITY.md F1, F9, F11; I1, I2, I4, I7,
 * I11): for each guarantee, a child JVM ({@link PipelineCrashChild}) runs a two-stage pipeline of {@link CrashInputs}
 * on one data directory while it publishes input records (with poison among them) and prints what was acknowledged;
 * the test
 * kills it with SIGKILL 0.3 to 1.5 s after it is ready (every fifth time 0 to 0.6 s after it started, maybe while it
 * recovers), {@code crash.kills} times, then runs a last child that publishes nothing and exits once the pipeline has
 * caught up, and checks the outputs and dead letters record by record ({@link PipelineCrashCheck}):
 *
 * <ul>
 *   <li>exactly-once: every record the pipeline should pass is in its output topic once, every poison record in the
 *       dead letters once, nothing else; once as it is, once with a {@code dedupe} step, whose state changes are
 *       committed with the outputs (a record it must drop never appears, so its state survived every kill);</li>
 *   <li>at-least-once: none missing; repeats are counted;</li>
 *   <li>at-most-once: none repeated; losses are counted;</li>
 *   <li>all: every acknowledged input is there, outputs are whole and name their input in their lineage headers,
 *       filtered and deduplicated records never appear.</li>
 * </ul>
 *
 * <p>{@code -Dcrash.kills=N} (default 8 per run) sets the kills, {@code -Dcrash.batch=N} (default 40) the largest
 * publish batch (larger ones make a backlog, so full batches are in flight at a kill), {@code -Dcrash.seed=N} the
 * kill delays; where a kill lands depends on timing, so a rerun with a seed is alike, not identical. The data
 * directory stays when a test fails.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES) // a safety net: 8 kills take about 20 s
class PipelineCrashIT {
    private static final int KILLS = Integer.getInteger("crash.kills", 8);
    private static final int MAX_BATCH = Integer.getInteger("crash.batch", 40);
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final long READY_TIMEOUT_S = 60;
    private static final long DRAIN_TIMEOUT_S = 180;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void exactlyOnceShouldWriteEveryOutputAndDeadLetterOnceAcrossKill9() throws Exception {
        PipelineCrashCheck check = crashAndCheck(Run.EXACTLY_ONCE);
        assertThat(check.repeated()).isZero();
        assertThat(check.lost()).isZero();
    }

    @Test
    void exactlyOnceShouldKeepDedupeStateWithItsOutputsAcrossKill9() throws Exception {
        PipelineCrashCheck check = crashAndCheck(Run.EXACTLY_ONCE_DEDUPE);
        assertThat(check.repeated()).isZero();
        assertThat(check.lost()).isZero();
    }

    @Test
    void atLeastOnceShouldLoseNothingAcrossKill9() throws Exception {
        assertThat(crashAndCheck(Run.AT_LEAST_ONCE).lost()).isZero();
    }

    @Test
    void atMostOnceShouldRepeatNothingAcrossKill9() throws Exception {
        assertThat(crashAndCheck(Run.AT_MOST_ONCE).repeated()).isZero();
    }

    private PipelineCrashCheck crashAndCheck(Run run) throws Exception {
        long startNs = System.nanoTime();
        long seed = SEED + run.ordinal();
        String rerun = run.id() + ", seed " + SEED + " (rerun with -Dcrash.seed=" + SEED + " -Dcrash.kills=" + KILLS
                + " -Dcrash.batch=" + MAX_BATCH + ")";
        Path data = tmp.resolve(run.id());
        System.out.println("PipelineCrashIT: " + KILLS + " kills, " + rerun + "; data in " + data);
        Random random = new Random(seed);
        AckedSeqs acked = new AckedSeqs();
        int underLoad = 0;
        for (int k = 1; k <= KILLS; k++) {
            boolean early = k % 5 == 0;
            int delayMs = early ? random.nextInt(601) : 300 + random.nextInt(1201);
            String when = delayMs + " ms after " + (early ? "the start" : "READY");
            String why = rerun + ", kill " + k + " " + when;
            Child child = Child.start(data, run, "publish", tmp.resolve(run.id() + "-" + k + ".err"));
            List<String> lines = child.killAfter(delayMs, early, why);
            long before = acked.count();
            acked.add(lines);
            String status = lastStatus(lines);
            underLoad += status.contains("lag=0") || status.isEmpty() ? 0 : 1;
            System.out.printf("%s kill %d/%d: pid %d, %s (exit 137); %d records acknowledged; last %s%n",
                    run.id(), k, KILLS, child.process().pid(), when, acked.count() - before, status);
        }
        Child last = Child.start(data, run, "drain", tmp.resolve(run.id() + "-drain.err"));
        List<String> lines = last.awaitExit(rerun);
        System.out.printf("%s drained: %s%n", run.id(), lines.get(lines.size() - 1));
        PipelineCrashCheck check = PipelineCrashCheck.run(data, run, acked);
        System.out.printf("PipelineCrashIT %s: %d kills (%d with a lag at the last status); %s; %d ms in all%n",
                run.id(), KILLS, underLoad, check.summary(), (System.nanoTime() - startNs) / 1_000_000);
        assertThat(check.failures()).as("%s; %s", rerun, check.summary()).isEmpty();
        assertThat(acked.count()).as("the children acknowledged records at all").isPositive();
        return check;
    }

    private static String lastStatus(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("STATUS ") && lines.get(i).endsWith(" $")) {
                return lines.get(i).substring(0, lines.get(i).length() - 2);
            }
        }
        return "";
    }

    /** A running {@link PipelineCrashChild} and the thread that reads its stdout. */
    private record Child(Process process, Thread reader, List<String> lines, CountDownLatch ready, Path err) {
        static Child start(Path data, Run run, String mode, Path err) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            if (Runtime.version().feature() >= 24) {
                command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineCrashChild.class.getName(),
                    data.toString(), run.id(), mode, Integer.toString(MAX_BATCH)));
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            List<String> lines = new ArrayList<>();
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().name("child-stdout-" + p.pid()).start(() -> read(p, lines, ready));
            return new Child(p, reader, lines, ready, err);
        }

        private static void read(Process p, List<String> lines, CountDownLatch ready) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("READY ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("READ-ERROR " + e);
                }
            }
        }

        /** Waits for READY (unless {@code early}), then {@code delayMs}, kills the child with SIGKILL. */
        List<String> killAfter(int delayMs, boolean early, String why) throws Exception {
            try {
                boolean isReady = early || ready.await(READY_TIMEOUT_S, TimeUnit.SECONDS);
                assertThat(isReady).as("%s: the child never got ready; its stderr:%n%s", why, stderr()).isTrue();
                boolean exited = process.waitFor(delayMs, TimeUnit.MILLISECONDS);
                assertThat(exited).as("%s: the child exited by itself; its stderr:%n%s", why, stderr()).isFalse();
            } finally {
                process.destroyForcibly(); // SIGKILL on Linux
                process.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(process.isAlive()).as(why).isFalse();
            assertThat(process.exitValue()).as("%s: exit code after SIGKILL", why).isEqualTo(137);
            assertThat(ProcessHandle.of(process.pid()).filter(ProcessHandle::isAlive)).as(why).isEmpty();
            return output(why);
        }

        /** Waits for a {@code drain} child to finish by itself; it must exit 0 after printing DONE. */
        List<String> awaitExit(String why) throws Exception {
            boolean exited = process.waitFor(DRAIN_TIMEOUT_S, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(exited).as("%s: the last child did not drain; its stderr:%n%s", why, stderr()).isTrue();
            assertThat(process.exitValue()).as("%s: exit code of the last child; its stderr:%n%s", why, stderr())
                    .isZero();
            List<String> lines = output(why);
            assertThat(lines).as(why).anyMatch(l -> l.startsWith("DONE ") && l.endsWith(" $"));
            return lines;
        }

        private List<String> output(String why) throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(reader.isAlive()).as("%s: stdout of the child never ended", why).isFalse();
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        private String stderr() throws IOException {
            return Files.exists(err) ? Files.readString(err) : "(none)";
        }
    }
}
