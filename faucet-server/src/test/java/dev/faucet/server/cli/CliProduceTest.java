package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliProduceTest {
    @TempDir
    Path dataDir;

    private CliServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = CliServer.start(ServerConfig.of(dataDir));
        server.faucet("topic", "create", "orders", "--partitions", "4");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void shouldProduceTenThousandLinesThatConsumeReturnsInInputOrderPerPartition() {
        Cli.Result produced = server.faucetWithInput(CliServer.lines(1, 10_000), "produce", "orders", "--key",
                "customer");

        assertThat(produced.exitCode()).isZero();
        assertThat(produced.out()).matches("produced 10000 records to orders in \\d+\\.\\d s \\(\\d+ records/s\\)\n");

        Cli.Result consumed = server.faucet("consume", "orders", "--from-beginning", "--max", "10000");
        assertThat(consumed.exitCode()).isZero();
        List<JsonNode> records = CliServer.records(consumed);
        assertThat(records).hasSize(10_000);
        Map<Integer, List<JsonNode>> byPartition = new HashMap<>();
        records.forEach(r -> byPartition.computeIfAbsent(r.get("partition").asInt(), p -> new ArrayList<>()).add(r));
        assertThat(byPartition).hasSize(4);
        byPartition.values().forEach(list -> {
            assertThat(list).isSortedAccordingTo(Comparator.comparingLong(r -> r.get("offset").asLong()));
            assertThat(list).isSortedAccordingTo(Comparator.comparingInt(r -> r.get("value").get("n").asInt()));
        });
        assertThat(records).allSatisfy(r -> assertThat(r.get("key").asText())
                .isEqualTo(r.get("value").get("customer").asText()));
        assertThat(records.stream().map(r -> r.get("value").get("n").asInt()).sorted().toList())
                .isEqualTo(IntStream.rangeClosed(1, 10_000).boxed().toList());
    }

    @Test
    void shouldStopAtABadLineNamingItsInputLineAndKeepTheEarlierBatches() {
        String input = CliServer.lines(1, 14) + "{\"n\":15,\n" + CliServer.lines(16, 30);

        Cli.Result produced = server.faucetWithInput(input, "produce", "orders", "--batch", "10");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.out()).isEmpty();
        List<String> err = produced.err().lines().toList();
        assertThat(err).hasSize(2);
        assertThat(err.get(0)).startsWith("faucet: ").contains("input line 15").doesNotContain("line 5");
        assertThat(err.get(1)).startsWith("faucet: stopped at batch 2 (input lines 11 to 20), none of which was"
                + " written; 10 records were produced before it; to finish without duplicates, produce the same"
                + " input again with --idempotency-prefix ");
        Cli.Result consumed = server.faucet("consume", "orders", "--from-beginning");
        assertThat(CliServer.ns(consumed)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void shouldCountBlankLinesWhenNamingTheBadInputLine() {
        String input = "{\"n\":1}\n\n   \n{\"n\":2}\nnot json\n";

        Cli.Result produced = server.faucetWithInput(input, "produce", "orders");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.err()).contains("input line 5").endsWith("faucet: nothing was produced\n");
    }

    @Test
    void shouldNameTheInputLineThatLacksTheKeyField() {
        String input = "{\"customer\":\"a\"}\n{\"customer\":\"b\"}\n{\"other\":1}\n";

        Cli.Result produced = server.faucetWithInput(input, "produce", "orders", "--key", "customer", "--batch",
                "2");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.err()).startsWith("faucet: input line 3 has no field 'customer'")
                .contains("2 records were produced before it");
    }

    @Test
    void shouldWriteNothingTwiceWhenTheSameInputIsProducedAgainWithTheSamePrefix() {
        String input = CliServer.lines(1, 30);
        server.faucetWithInput(CliServer.lines(1, 20), "produce", "orders", "--batch", "10",
                "--idempotency-prefix", "run-1");

        Cli.Result again = server.faucetWithInput(input, "produce", "orders", "--batch", "10",
                "--idempotency-prefix", "run-1");

        assertThat(again.exitCode()).isZero();
        Cli.Result consumed = server.faucet("consume", "orders", "--from-beginning");
        assertThat(CliServer.ns(consumed)).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 30).boxed()
                .toList());
    }

    @Test
    void shouldSkipBlankLinesAndAcceptWindowsLineEndings() {
        Cli.Result produced = server.faucetWithInput("{\"n\":1}\r\n\r\n{\"n\":2}\r\n\n", "produce", "orders");

        assertThat(produced.out()).startsWith("produced 2 records to orders in ");
        assertThat(CliServer.ns(server.faucet("consume", "orders", "--from-beginning"))).containsExactly(1, 2);
    }

    @Test
    void shouldProduceNothingFromEmptyInput() {
        Cli.Result produced = server.faucetWithInput("", "produce", "orders");

        assertThat(produced.exitCode()).isZero();
        assertThat(produced.out()).startsWith("produced 0 records to orders in ");
    }

    @Test
    void shouldFailWithOneLineForAnUnknownTopic() {
        Cli.Result produced = server.faucetWithInput(CliServer.lines(1, 2), "produce", "nope");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.err()).isEqualTo("faucet: unknown topic 'nope'; create it with POST /v1/topics or"
                + " 'faucet topic create nope'\nfaucet: nothing was produced\n");
    }

    @Test
    void shouldTreatAnIdempotencyPrefixWithSpacesAsAUsageError() {
        Cli.Result produced = server.faucetWithInput("", "produce", "orders", "--idempotency-prefix", "a b");

        assertThat(produced.exitCode()).isEqualTo(2);
        assertThat(produced.err()).startsWith("Invalid --idempotency-prefix");
    }
}
