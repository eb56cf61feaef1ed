package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.server.Security;
import dev.faucet.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliServerAccessTest {
    private static final String SECRET = "0123456789abcdef0123";

    @TempDir
    Path dataDir;

    private CliServer serverWithTokens() throws IOException {
        Security security = new Security(List.of(new Security.ApiToken("t", SECRET,
                List.of(Security.Scope.parse("admin")))), null);
        return CliServer.start(ServerConfig.of(dataDir).withSecurity(security));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldSayTheServerCannotBeReachedAndHowToStartIt() throws IOException {
        String url = "http://127.0.0.1:" + closedPort();

        Cli.Result listed = Cli.faucet("topic", "list", "--server", url);

        assertThat(listed.exitCode()).isEqualTo(1);
        assertThat(listed.err()).isEqualTo("faucet: cannot reach the Faucet server at " + url + " (connection"
                + " refused); start it with 'faucet server' or pass --server\n");
    }

    @Test
    void shouldNotRetryAProduceWhenTheServerWasNeverReached() throws IOException {
        String url = "http://127.0.0.1:" + closedPort();

        Cli.Result produced = Cli.faucetWithInput("{\"n\":1}\n", "produce", "orders", "--server", url);

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.err()).isEqualTo("faucet: cannot reach the Faucet server at " + url + " (connection"
                + " refused); start it with 'faucet server' or pass --server\n");
    }

    @Test
    void shouldTreatAServerThatIsNotAnHttpAddressAsAUsageError() {
        Cli.Result listed = Cli.faucet("topic", "list", "--server", "127.0.0.1:8080");

        assertThat(listed.exitCode()).isEqualTo(2);
        assertThat(listed.err()).startsWith("Invalid --server: '127.0.0.1:8080' is not an address");
    }

    @Test
    void shouldSendTheTokenGivenWithTokenOption() throws IOException {
        try (CliServer server = serverWithTokens()) {
            Cli.Result created = server.faucet("topic", "create", "orders", "--token", SECRET);
            Cli.Result produced = server.faucetWithInput("{\"n\":1}\n", "produce", "orders", "--token", SECRET);
            Cli.Result consumed = server.faucet("consume", "orders", "--from-beginning", "--token", SECRET);

            assertThat(created.exitCode()).isZero();
            assertThat(produced.exitCode()).isZero();
            assertThat(CliServer.ns(consumed)).containsExactly(1);
        }
    }

    @Test
    void shouldPointToTokenAndFaucetTokenWhenTheServerWantsAToken() throws IOException {
        try (CliServer server = serverWithTokens()) {
            Cli.Result listed = server.faucet("topic", "list");

            assertThat(listed.exitCode()).isEqualTo(1);
            assertThat(listed.err()).hasLineCount(1).startsWith("faucet: this server needs an API token")
                    .contains("--token", "FAUCET_TOKEN");
        }
    }

    @Test
    void shouldPointToTokenAndFaucetTokenWhenTheTokenIsUnknownWithoutPrintingIt() throws IOException {
        try (CliServer server = serverWithTokens()) {
            Cli.Result listed = server.faucet("topic", "list", "--token", "not-the-right-token-at-all");

            assertThat(listed.exitCode()).isEqualTo(1);
            assertThat(listed.err()).isEqualTo("faucet: the API token is not known to this server (pass a token with"
                    + " --token or set FAUCET_TOKEN)\n");
        }
    }

    @Test
    void shouldNotShowTheTokenInHelp() {
        Cli.Result help = Cli.faucet("topic", "list", "--help", "--token", SECRET);

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--token=TOKEN", "FAUCET_TOKEN", "--server=URL", "http://127.0.0.1:8080")
                .doesNotContain(SECRET);
    }

    @Test
    void shouldListTheClientCommandsInHelp() {
        Cli.Result help = Cli.faucet("--help");

        assertThat(help.out()).containsPattern("(?m)^\\s+topic\\s+Creates").containsPattern("(?m)^\\s+produce\\s+")
                .containsPattern("(?m)^\\s+consume\\s+");
    }
}
