package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaucetServerTest {
    @TempDir
    Path dataDir;

    private FaucetServer server;

    @BeforeEach
    void startOnAFreePort() throws IOException {
        server = FaucetServer.start(new ServerConfig(dataDir, "127.0.0.1", 0));
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void shouldPickAFreePortWhenAskedForPortZero() {
        assertThat(server.port()).isPositive();
        assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
    }

    @Test
    void shouldAnswerLiveWhileTheLogIsOpen() throws Exception {
        HttpResponse<String> live = Loopback.get(server.uri(), "/health/live");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(live.body()).isEqualTo("{\"status\":\"live\"}");
    }

    @Test
    void shouldAnswerReadyOnceTheLogIsRecovered() throws Exception {
        HttpResponse<String> ready = Loopback.get(server.uri(), "/health/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
    }

    @Test
    void shouldWriteItsPortToServerPortInTheDataDirectory() throws IOException {
        assertThat(Files.readString(dataDir.resolve("server.port"))).isEqualTo(server.port() + "\n");
    }

    @Test
    void shouldStopAnsweringAndRemoveServerPortWhenClosed() {
        URI uri = server.uri();

        server.close();

        assertThat(dataDir.resolve("server.port")).doesNotExist();
        assertThatThrownBy(() -> Loopback.get(uri, "/health/live")).isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldRefuseAPortInUseBeforeOpeningTheLog(@TempDir Path otherDir) {
        Path otherData = otherDir.resolve("data");
        ServerConfig samePort = new ServerConfig(otherData, "127.0.0.1", server.port());

        assertThatThrownBy(() -> FaucetServer.start(samePort)).isInstanceOf(BindException.class);
        assertThat(otherData).doesNotExist();
    }
}
