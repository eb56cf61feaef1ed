package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliGroupConsumeTest {
    @TempDir
    Path dataDir;

    private CliServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = CliServer.start(ServerConfig.of(dataDir));
        server.faucet("topic", "create", "orders", "--partitions", "2");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private void produce(int from, int to) {
        assertThat(server.faucetWithInput(CliServer.lines(from, to), "produce", "orders", "--key", "customer")
                .exitCode()).isZero();
    }

    @Test
    void shouldPrintEverythingForANewGroupFromTheBeginningAndStopOnceCaughtUp() {
        produce(1, 20);

        Cli.Result consumed = server.faucet("consume", "orders", "--group", "billing", "--from-beginning");

        assertThat(consumed.exitCode()).isZero();
        assertThat(CliServer.ns(consumed)).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed()
                .toList());
    }

    @Test
    void shouldStopAfterMaxRecords() {
        produce(1, 20);

        Cli.Result consumed = server.faucet("consume", "orders", "--group", "billing", "--from-beginning", "--max",
                "3");

        assertThat(consumed.exitCode()).isZero();
        assertThat(consumed.lines()).hasSize(3);
    }

    @Test
    void shouldResumeAGroupWhereItsLastRunStoppedAcrossAServerRestart() throws IOException {
        produce(1, 10);
        Cli.Result first = server.faucet("consume", "orders", "--group", "billing", "--from-beginning");
        server.restart();
        produce(11, 15);

        Cli.Result second = server.faucet("consume", "orders", "--group", "billing", "--from-beginning");

        assertThat(CliServer.ns(first)).hasSize(10);
        assertThat(CliServer.ns(second)).containsExactlyInAnyOrder(11, 12, 13, 14, 15);
    }

    @Test
    void shouldResumeAGroupWhereItsLastRunStopped() {
        produce(1, 10);
        Cli.Result first = server.faucet("consume", "orders", "--group", "billing", "--from-beginning");
        produce(11, 15);

        Cli.Result second = server.faucet("consume", "orders", "--group", "billing");

        assertThat(CliServer.ns(first)).hasSize(10);
        assertThat(CliServer.ns(second)).containsExactlyInAnyOrder(11, 12, 13, 14, 15);
    }

    @Test
    void shouldContinueAfterExactlyTheRecordsAMaxRunPrinted() {
        produce(1, 10);
        Cli.Result first = server.faucet("consume", "orders", "--group", "audit", "--from-beginning", "--max", "4");
        Cli.Result rest = server.faucet("consume", "orders", "--group", "audit");

        assertThat(CliServer.ns(first)).hasSize(4);
        assertThat(CliServer.ns(rest)).hasSize(6).doesNotContainAnyElementsOf(CliServer.ns(first));
    }

    @Test
    void shouldStartANewGroupAtTheEndWithoutFromBeginning() {
        produce(1, 10);

        Cli.Result consumed = server.faucet("consume", "orders", "--group", "late");

        assertThat(consumed.exitCode()).as("exit code; stderr: %s", consumed.err()).isZero();
        assertThat(consumed.out()).isEmpty();
    }

    @Test
    void shouldFailWithTheServersDetailForAnUnknownTopic() {
        Cli.Result consumed = server.faucet("consume", "nope", "--group", "billing");

        assertThat(consumed.exitCode()).isEqualTo(1);
        assertThat(consumed.err()).startsWith("faucet: unknown topic 'nope'");
    }
}
