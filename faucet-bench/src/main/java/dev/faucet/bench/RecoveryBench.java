package dev.faucet.bench;

import dev.faucet.log.Log;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * {@code log-recovery}: a child JVM ({@link RecoveryChild}) fills a log to the given size and keeps appending; it is
 * killed with SIGKILL mid-append, and then {@link Log#open} is timed on that directory: the first open recovers from
 * the kill, the later ones (after a clean close) are clean reopens. The page cache stays warm: a kill -9 does not
 * drop it, a power loss would.
 */
final class RecoveryBench {
    private RecoveryBench() {
    }

    record Result(long logBytes, double killOpenMs, double cleanOpenMedianMs, int notes) {
    }

    /** Runs {@code --repeat} times, each with a new child and log, and returns (and prints) the medians. */
    static Result repeat(BenchOptions o, BenchDir dir) throws IOException, InterruptedException {
        List<Result> runs = new ArrayList<>();
        for (int i = 0; i < o.repeat(); i++) {
            runs.add(run(o, dir.fresh("recovery")));
        }
        if (runs.size() == 1) {
            return runs.get(0);
        }
        Result m = new Result((long) median(runs, r -> r.logBytes()), median(runs, Result::killOpenMs),
                median(runs, Result::cleanOpenMedianMs), (int) median(runs, r -> r.notes()));
        System.out.printf("%nlog-recovery, median of %d kills: log %,d bytes, open after kill -9 %.0f ms, clean"
                + " reopen %.0f ms%n", runs.size(), m.logBytes(), m.killOpenMs(), m.cleanOpenMedianMs());
        return m;
    }

    private static double median(List<Result> runs, ToDoubleFunction<Result> f) {
        return AppendResult.median(runs.stream().mapToDouble(f).toArray());
    }

    static Result run(BenchOptions o, Path dir) throws IOException, InterruptedException {
        try {
            long fillStart = System.nanoTime();
            String ready = fillAndKill(o, dir);
            double fill = (System.nanoTime() - fillStart) / 1e9;
            long size = directoryBytes(dir);
            System.out.printf("%nlog-recovery: child wrote %s; killed with SIGKILL after %.1f s; log is %,d bytes%n",
                    ready, fill, size);
            CpuMeter.awaitQuiet(o.settleSeconds());
            long t0 = System.nanoTime();
            Log log = Log.open(dir);
            double first = (System.nanoTime() - t0) / 1e6;
            List<String> notes = log.recoveryNotes();
            log.close();
            System.out.printf("  open after kill -9: %.0f ms (%d recovery notes%s)%n", first, notes.size(),
                    notes.isEmpty() ? "" : ", first: " + notes.get(0));
            double[] clean = new double[o.opens()];
            for (int i = 0; i < clean.length; i++) {
                long s = System.nanoTime();
                Log again = Log.open(dir);
                clean[i] = (System.nanoTime() - s) / 1e6;
                again.close();
            }
            double median = AppendResult.median(clean);
            System.out.printf("  clean reopen: median %.0f ms of %d (%s ms)%n", median, clean.length,
                    Arrays.toString(clean));
            return new Result(size, first, median, notes.size());
        } finally {
            BenchDir.deleteTree(dir);
        }
    }

    /** Starts the child, waits for READY, lets it append a moment longer and kills it; returns its READY line. */
    private static String fillAndKill(BenchOptions o, Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RecoveryChild.class.getName(), dir.toString(), Long.toString(o.bytes()),
                Integer.toString(o.recordBytes()));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(RecoveryChild.READY)) {
                System.out.println("  child: " + line);
            }
            if (line == null) {
                throw new IllegalStateException("the child exited before it was READY: " + child.waitFor());
            }
            Thread.sleep(500);
            child.destroyForcibly();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child did not die");
            }
            return line.substring(RecoveryChild.READY.length()).trim();
        } finally {
            child.destroyForcibly();
        }
    }

    static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            long n = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                n += Files.size(p);
            }
            return n;
        }
    }
}
