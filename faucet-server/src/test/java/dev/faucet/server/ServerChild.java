package dev.faucet.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The shaded jar run as users run it, {@code java -jar faucet-server-…-all.jar server --data DIR --port 0}, in a child
 * JVM whose stdout is read on a thread of its own (so the child never blocks on a full pipe) and whose stderr goes to
 * a file. The child is started with {@code -Xmx256m}, and on JDK 24+ with the flags {@code ./faucet} passes; C1 only
 * and the serial collector make it start in about a second instead of two on a 2-core machine, which is what lets a
 * crash test restart it tens of times (CrashIT in faucet-log does the same).
 */
final class ServerChild implements AutoCloseable {
    private static final String LISTENING = "faucet listening on ";

    private final Process process;
    private final Path data;
    private final Path stderr;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<URI> listening = new CompletableFuture<>();
    private volatile long listeningNanos;
    private volatile long portFileNanos;

    private ServerChild(Process process, Path data, Path stderr) {
        this.process = process;
        this.data = data;
        this.stderr = stderr;
    }

    /**
     * Starts a server on {@code data} with {@code --port 0}. A {@code server.port} that a killed server left behind is
     * removed first, so that {@link #awaitPortFile} sees this child's.
     */
    static ServerChild start(Path data, Path stderr) throws IOException {
        Files.createDirectories(data);
        Files.deleteIfExists(data.resolve(FaucetServer.PORT_FILE));
        Process p = new ProcessBuilder(command(data)).redirectError(stderr.toFile()).start();
        ServerChild child = new ServerChild(p, data, stderr);
        Thread.ofPlatform().daemon().name("faucet-child-stdout-" + p.pid()).start(child::readStdout);
        return child;
    }

    private static List<String> command(Path data) {
        String jar = System.getProperty("faucet.jar");
        if (jar == null) {
            throw new IllegalStateException("system property faucet.jar is not set (failsafe sets it in"
                    + " faucet-server/pom.xml); run this test with mvn verify");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (Runtime.version().feature() >= 24) {
            command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of("-jar", jar, "server", "--data", data.toString(), "--port", "0"));
        return command;
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(LISTENING) && !listening.isDone()) {
                    listeningNanos = System.nanoTime();
                    listening.complete(URI.create(line.substring(LISTENING.length()).strip()));
                }
            }
        } catch (IOException e) {
            // The child died (this is a crash test); the future below says so.
        }
        listening.completeExceptionally(new IllegalStateException("the server's stdout ended before it listened"));
    }

    /** Waits for the line {@code faucet listening on URI}, printed once the log is recovered and HTTP serves. */
    URI awaitListening(Duration timeout) throws InterruptedException {
        try {
            return listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("server pid " + process.pid() + " did not listen within " + timeout + " ("
                    + e.getMessage() + "); alive: " + process.isAlive() + "; its stderr:\n" + stderr(), e);
        }
    }

    /** Whether it has said it listens (its log is recovered). */
    boolean isListening() {
        return listening.isDone() && !listening.isCompletedExceptionally();
    }

    /** Milliseconds from the start of the process to its "listening" line. */
    long msToListening() {
        return TimeUnit.NANOSECONDS.toMillis(listeningNanos - startNanos);
    }

    /**
     * Waits until the child has written {@code server.port} (moved into place whole): HTTP is up and answers 503
     * while the log is opened, so recovered, right after. Returns the address it gives.
     */
    URI awaitPortFile(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path file = data.resolve(FaucetServer.PORT_FILE);
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("server pid " + process.pid() + " wrote no " + file + " within " + timeout
                        + "; alive: " + process.isAlive() + "; its stderr:\n" + stderr());
            }
            Thread.sleep(2);
        }
        portFileNanos = System.nanoTime();
        return URI.create("http://127.0.0.1:" + Integer.parseInt(Files.readString(file).strip()));
    }

    /** Milliseconds from the port file (seen by {@link #awaitPortFile}) to the "listening" line: the recovery. */
    long msRecovering() {
        return TimeUnit.NANOSECONDS.toMillis(listeningNanos - portFileNanos);
    }

    /** SIGKILL ({@link Process#destroyForcibly} on Linux); returns the exit code, 137 for a process it killed. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("server pid " + process.pid() + " outlived SIGKILL by 30 s");
        }
        return process.exitValue();
    }

    /** SIGTERM ({@link Process#destroy}), a graceful stop; returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("server pid " + process.pid() + " did not stop within " + timeout
                    + " of SIGTERM; killed it. Its stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Everything the child wrote to stderr so far (its log lines). */
    String stderr() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "(no stderr)";
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    /** Kills the child if it still runs (for {@code finally} and {@code @AfterEach}). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
