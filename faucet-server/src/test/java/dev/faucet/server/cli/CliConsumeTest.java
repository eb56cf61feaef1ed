package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConsumeTest {
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
    void shouldPrintEveryRecordFromTheBeginningAndStopWhenCaughtUp() {
        produce(1, 2500);

        Cli.Result consumed = server.faucet("consume", "orders", "--from-beginning");

        assertThat(consumed.exitCode()).isZero();
        assertThat(consumed.err()).isEmpty();
        assertThat(CliServer.ns(consumed)).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 2500)
                .boxed().toList());
        assertThat(CliServer.records(consumed)).allSatisfy(r -> assertThat(r.fieldNames()).toIterable()
                .containsExactly("partition", "offset", "timestamp", "key", "value", "headers"));
    }

    @Test
    void shouldStopAfterMaxRecords() {
        produce(1, 50);

        Cli.Result consumed = server.faucet("consume", "orders", "--from-beginning", "--max", "7");

        assertThat(consumed.exitCode()).isZero();
        assertThat(consumed.lines()).hasSize(7);
    }

    @Test
    void shouldPrintOnlyRecordsThatArriveFromNowOnWithoutFromBeginning() throws Exception {
        produce(1, 5);

        CompletableFuture<Cli.Result> following = CompletableFuture.supplyAsync(() -> server.faucet("consume",
                "orders", "--follow", "--max", "3"));
        for (int n = 6; !following.isDone(); n++) {
            produce(n, n);
            Thread.sleep(50);
        }

        Cli.Result consumed = following.get(5, TimeUnit.SECONDS);
        assertThat(consumed.exitCode()).isZero();
        assertThat(CliServer.ns(consumed)).hasSize(3).allMatch(n -> n > 5);
    }

    @Test
    void shouldSayWhyNothingIsPrintedWithoutFromBeginningOrFollow() {
        produce(1, 5);

        Cli.Result consumed = server.faucet("consume", "orders");

        assertThat(consumed.exitCode()).isZero();
        assertThat(consumed.out()).isEmpty();
        assertThat(consumed.err()).contains("--from-beginning", "--follow");
    }

    @Test
    void shouldStartAtTheGivenTime() throws InterruptedException {
        produce(1, 10);
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        produce(11, 15);

        Cli.Result consumed = server.faucet("consume", "orders", "--from-time", between.toString());

        assertThat(CliServer.ns(consumed)).containsExactlyInAnyOrder(11, 12, 13, 14, 15);
    }

    @Test
    void shouldReadOnlyTheGivenPartition() {
        produce(1, 100);

        Cli.Result consumed = server.faucet("consume", "orders", "--partition", "1", "--from-beginning");
        Cli.Result byTime = server.faucet("consume", "orders", "--partition", "1", "--from-time",
                "2000-01-01T00:00:00+01:00");

        assertThat(CliServer.records(consumed)).isNotEmpty().allMatch(r -> r.get("partition").asInt() == 1);
        assertThat(byTime.out()).isEqualTo(consumed.out());
    }

    @Test
    void shouldFailForAPartitionTheTopicDoesNotHave() {
        Cli.Result consumed = server.faucet("consume", "orders", "--partition", "2", "--from-beginning");

        assertThat(consumed.exitCode()).isEqualTo(1);
        assertThat(consumed.err()).isEqualTo("faucet: topic orders has partitions 0 to 1; there is no partition 2\n");
    }

    @Test
    void shouldPrintValuesExactlyAsTheyWereStored() {
        String value = "{\"price\":1.10,\"big\":123456789012345678901234567890,\"tiny\":1e-400,\"s\":\"é\\n\"}";
        server.faucetWithInput(value + "\n", "produce", "orders");

        Cli.Result consumed = server.faucet("consume", "orders", "--from-beginning");

        assertThat(consumed.out()).contains("\"value\":{\"price\":1.10,\"big\":123456789012345678901234567890,"
                + "\"tiny\":1E-400,\"s\":\"é\\n\"}");
    }

    @Test
    void shouldTreatConflictingStartsAsAUsageError() {
        Cli.Result both = server.faucet("consume", "orders", "--from-beginning", "--from-time",
                "2026-01-01T00:00:00Z");
        Cli.Result badTime = server.faucet("consume", "orders", "--from-time", "yesterday");
        Cli.Result groupAndTime = server.faucet("consume", "orders", "--group", "g", "--from-time",
                "2026-01-01T00:00:00Z");

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("--from-beginning and --from-time cannot be combined");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).startsWith("Invalid --from-time: 'yesterday' is not an RFC 3339 time");
        assertThat(groupAndTime.exitCode()).isEqualTo(2);
        assertThat(groupAndTime.err()).startsWith("--group cannot be combined with --from-time");
    }
}
