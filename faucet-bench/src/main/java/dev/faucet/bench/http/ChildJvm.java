package dev.faucet.bench.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark command in a child JVM: the same {@code java} and class path as this one, the given JVM flags, and
 * {@code BenchMain COMMAND args}. Its standard output is echoed with an indent and kept for {@link #awaitLine};
 * standard error goes straight through. {@link #close} ends it: first by closing its input (the server's
 * {@code --stdin}), then SIGTERM, then SIGKILL, so that no child outlives the run. A shutdown hook does the same if
 * this JVM is interrupted.
 */
final class ChildJvm implements AutoCloseable {
    private static final String END = "\u0000end";

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread killOnExit;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.killOnExit = new Thread(process::destroyForcibly, name + "-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        Thread pump = new Thread(this::pump, name + "-out");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildJvm start(String name, List<String> jvmFlags, String command, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.faucet.bench.BenchMain", command));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        return new ChildJvm(name, pb.start());
    }

    /** The JVM flags the {@code ./faucet} launcher adds on JDK 24 and newer (JDK 21 refuses the first). */
    static List<String> launcherFlags() {
        return Runtime.version().feature() >= 24
                ? List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED") : List.of();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a line that starts with {@code prefix}; fails when the child exits or the time is up. */
    String awaitLine(String prefix, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IllegalStateException(name + " printed no '" + prefix.trim() + "' line within "
                        + timeoutMs / 1000 + " s");
            }
            if (line.equals(END)) {
                throw new IllegalStateException(name + " exited (" + process.waitFor() + ") before printing '"
                        + prefix.trim() + "'");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.startsWith(LoadResult.PREFIX)) {
                    System.out.println("    " + name + "| " + line);
                }
                lines.add(line);
            }
        } catch (IOException e) {
            System.out.println("    " + name + "| (output lost: " + e + ")");
        } finally {
            lines.add(END);
        }
    }

    /** Waits up to {@code timeoutMs} for the child to exit by itself; false if it still runs. */
    boolean awaitExit(long timeoutMs) throws InterruptedException {
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Ends the child: input closed, then SIGTERM after 20 s, then SIGKILL after 10 s more. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child is gone already
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
