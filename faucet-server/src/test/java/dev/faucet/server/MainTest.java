package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path tempDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int faucet(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldListTheServerCommandInHelp() {
        assertThat(faucet("--help")).isZero();

        assertThat(out.toString()).contains("Usage: faucet").containsPattern("(?m)^\\s+server\\s+Runs");
    }

    @Test
    void shouldDescribeTheServerOptionsAndDefaultsInItsHelp() {
        assertThat(faucet("server", "--help")).isZero();

        assertThat(out.toString()).contains("--data=DIR", "./data", "--port=N", "8080", "--bind=ADDRESS", "127.0.0.1");
    }

    @Test
    void shouldPrintItsVersion() {
        assertThat(faucet("--version")).isZero();

        assertThat(out.toString().strip()).matches("faucet \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void shouldAskForACommandWhenGivenNone() {
        assertThat(faucet()).isEqualTo(2);

        assertThat(err.toString()).startsWith("Missing command").contains("Usage: faucet");
    }

    @Test
    void shouldRefuseAPortThatIsNotATcpPort() {
        assertThat(faucet("server", "--port", "70000")).isEqualTo(2);

        assertThat(err.toString()).startsWith("Invalid --port: 70000 is not a TCP port");
    }

    @Test
    void shouldFailWithOneClearLineWhenThePortIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int exitCode = faucet("server", "--port", String.valueOf(taken.getLocalPort()),
                    "--data", tempDir.resolve("data").toString());

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString()).hasLineCount(1)
                    .startsWith("faucet: cannot start the server: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("already in use");
        }
    }

    @Test
    void shouldFailWithOneClearLineWhenTheDataDirectoryCannotBeCreated() throws IOException {
        Path aFile = Files.createFile(tempDir.resolve("a-file"));

        int exitCode = faucet("server", "--port", "0", "--data", aFile.resolve("data").toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).hasLineCount(1)
                .startsWith("faucet: cannot start the server: cannot use data directory " + aFile.resolve("data"));
    }
}
