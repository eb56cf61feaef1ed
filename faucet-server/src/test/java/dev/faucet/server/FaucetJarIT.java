package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar, run as users run it: {@code java -jar faucet-server-…-all.jar server}, in a child process. */
@Timeout(60)
class FaucetJarIT {
    private static final String LISTENING = "faucet listening on ";

    @TempDir
    Path tempDir;

    private Process faucet;

    @AfterEach
    void killTheChild() {
        if (faucet != null) {
            faucet.destroyForcibly();
        }
    }

    @Test
    void shouldServeReadyAndStopCleanlyOnSigterm() throws Exception {
        Path data = tempDir.resolve("data");
        faucet = startJar("server", "--port", "0", "--data", data.toString());
        URI uri = awaitListening();

        assertThat(Loopback.get(uri, "/health/ready").statusCode()).isEqualTo(200);
        assertThat(Files.readString(data.resolve("server.port")).strip()).isEqualTo(String.valueOf(uri.getPort()));

        faucet.destroy();

        assertThat(faucet.waitFor(10, TimeUnit.SECONDS)).as("exited within 10 s of SIGTERM").isTrue();
        assertThat(faucet.exitValue()).as("exit code; stderr:%n%s", stderr()).isIn(0, 143);
        assertThat(data.resolve("server.port")).as("removed by the graceful shutdown").doesNotExist();
        assertThat(stderr()).contains("stopped serving " + uri).doesNotContain("Exception", "ERROR");
    }

    @Test
    void shouldExitWithCodeOneAndOneLineWhenThePortIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            faucet = startJar("server", "--port", String.valueOf(taken.getLocalPort()),
                    "--data", tempDir.resolve("data").toString());

            assertThat(faucet.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(faucet.exitValue()).isEqualTo(1);
        assertThat(stderr()).hasLineCount(1).startsWith("faucet: cannot start the server: cannot listen on");
    }

    private Process startJar(String... args) throws IOException {
        String jar = System.getProperty("faucet.jar");
        assertThat(jar).as("system property faucet.jar (set by failsafe in faucet-server/pom.xml)").isNotNull();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (Runtime.version().feature() >= 24) {
            command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of("-jar", jar));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(tempDir.resolve("stderr.txt").toFile()).start();
    }

    /** Reads the child's stdout up to the line that says where it listens. */
    private URI awaitListening() throws IOException {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(faucet.getInputStream(),
                StandardCharsets.UTF_8));
        for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
            if (line.startsWith(LISTENING)) {
                return URI.create(line.substring(LISTENING.length()).strip());
            }
        }
        throw new AssertionError("faucet exited without listening; stderr:\n" + stderr());
    }

    private String stderr() throws IOException {
        Path file = tempDir.resolve("stderr.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
