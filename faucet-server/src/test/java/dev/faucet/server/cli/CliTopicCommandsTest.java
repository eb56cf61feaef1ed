package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTopicCommandsTest {
    @TempDir
    Path dataDir;

    private CliServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = CliServer.start(ServerConfig.of(dataDir));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void shouldCreateATopicWithTheGivenSettings() {
        Cli.Result created = server.faucet("topic", "create", "orders", "--partitions", "3", "--retention-time", "7d",
                "--retention-bytes", "10GiB", "--compact", "--fsync", "never");

        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).isEqualTo("created topic orders (3 partitions)\n");
        assertThat(server.faucet("topic", "describe", "orders").out()).contains(
                "partitions: 3", "retention:  time 7d, bytes 10.0 GiB", "compact:    true", "fsync:      never");
    }

    @Test
    void shouldLeaveUnsetSettingsToTheServer() {
        assertThat(server.faucet("topic", "create", "orders").out()).isEqualTo("created topic orders (1 partition)\n");

        assertThat(server.faucet("topic", "describe", "orders").out()).contains("retention:  forever",
                "compact:    false", "fsync:      always");
    }

    @Test
    void shouldListTopicsWithTheirPartitionsRecordsAndBytes() {
        server.faucet("topic", "create", "orders", "--partitions", "4");
        server.faucet("topic", "create", "customers");
        server.faucetWithInput(CliServer.lines(1, 25), "produce", "orders", "--key", "customer");

        Cli.Result list = server.faucet("topic", "list");

        assertThat(list.exitCode()).isZero();
        assertThat(list.lines()).hasSize(3);
        assertThat(list.lines().get(0)).matches("NAME +PARTITIONS +RECORDS +BYTES");
        assertThat(list.out()).containsPattern("(?m)^customers +1 +0 +\\d+ B$")
                .containsPattern("(?m)^orders +4 +25 +\\d+(\\.\\d)? K?i?B$");
    }

    @Test
    void shouldSayHowToCreateATopicWhenThereAreNone() {
        Cli.Result list = server.faucet("topic", "list");

        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).isEqualTo("no topics yet; create one with 'faucet topic create NAME'\n");
    }

    @Test
    void shouldDescribeTheOffsetsOfEachPartition() {
        server.faucet("topic", "create", "orders", "--partitions", "2");
        server.faucetWithInput(CliServer.lines(1, 3), "produce", "orders");

        Cli.Result described = server.faucet("topic", "describe", "orders");

        assertThat(described.exitCode()).isZero();
        assertThat(described.out()).contains("topic:      orders\n", "partitions: 2\n")
                .containsPattern("(?m)^PARTITION +START +END +RECORDS +BYTES$");
        assertThat(described.out()).containsPattern("(?m)^[01] +0 +3 +3 +\\d+ B$")
                .containsPattern("(?m)^[01] +0 +0 +0 +\\d+ B$");
    }

    @Test
    void shouldDeleteATopic() {
        server.faucet("topic", "create", "orders");

        Cli.Result deleted = server.faucet("topic", "delete", "orders");

        assertThat(deleted.exitCode()).isZero();
        assertThat(deleted.out()).isEqualTo("deleted topic orders\n");
        assertThat(server.faucet("topic", "list").out()).doesNotContain("orders\n").startsWith("no topics");
    }

    @Test
    void shouldFailWithTheServersDetailWhenTheTopicAlreadyExists() {
        server.faucet("topic", "create", "orders");

        Cli.Result again = server.faucet("topic", "create", "orders");

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).isEqualTo("faucet: topic 'orders' already exists\n");
    }

    @Test
    void shouldFailWithTheServersDetailForAnUnknownTopic() {
        Cli.Result described = server.faucet("topic", "describe", "nope");

        assertThat(described.exitCode()).isEqualTo(1);
        assertThat(described.err()).startsWith("faucet: unknown topic 'nope'").hasLineCount(1);
    }

    @Test
    void shouldTreatAnFsyncOtherThanAlwaysOrNeverAsAUsageError() {
        Cli.Result created = server.faucet("topic", "create", "orders", "--fsync", "sometimes");

        assertThat(created.exitCode()).isEqualTo(2);
        assertThat(created.err()).startsWith("Invalid --fsync: 'sometimes' (use always or never)")
                .contains("Usage: faucet topic create");
    }

    @Test
    void shouldAskForASubcommandOfTopic() {
        Cli.Result bare = Cli.faucet("topic");

        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err()).startsWith("Missing command: try 'faucet topic list'.");
    }
}
