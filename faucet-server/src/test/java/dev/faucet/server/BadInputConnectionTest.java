package dev.faucet.server;

import static dev.faucet.server.Api.JSON_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input that needs a server of its own: slow and greedy clients (RELIABILITY.md, "Slowloris / resource
 * exhaustion") against a small {@code limits.idleTimeout} or {@code limits.maxConnections}, and a body limit smaller
 * than the body reader's first buffer. Every wait is bounded by a few seconds.
 */
class BadInputConnectionTest {
    private static final Duration IDLE = Duration.ofMillis(500);
    private static final int MAX_BODY = 16 << 10;

    @TempDir
    Path dataDir;

    private FaucetServer server;
    private Api api;

    private void start(Duration idleTimeout, int maxConnections) throws IOException {
        Limits limits = new Limits(MAX_BODY, 8 << 10, 4 << 10, idleTimeout, maxConnections, 64, 16L << 20, 0,
                Limits.DEFAULT_MIN_DATA_RATE);
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0).withLimits(limits));
        api = new Api(server.uri());
        api.createTopic("t", 1);
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldCloseAConnectionWhoseHeadersStopArrivingAfterTheIdleTimeout() throws IOException {
        start(IDLE, 64);

        try (Socket slow = RawHttp.connect(server.uri())) {
            slow.getOutputStream().write("POST /v1/topics/t/records HTTP/1.1\r\nHost: localhost\r\nContent-"
                    .getBytes(StandardCharsets.ISO_8859_1));
            slow.setSoTimeout(8_000);

            int read = slow.getInputStream().read();

            assertThat(read).as("the server closed the connection (long before the read timed out)").isEqualTo(-1);
        }
        assertThat(api.endOffsets("t")).containsExactly(0L);
        api.publish("t", JSON_TYPE, "1");
    }

    @Test
    void shouldAnswer408AndCloseWhenABodyStopsArrivingAndWriteNothing() throws IOException {
        start(IDLE, 64);

        try (Socket slow = RawHttp.connect(server.uri())) {
            slow.getOutputStream().write(("POST /v1/topics/t/records HTTP/1.1\r\nHost: localhost\r\nContent-Type:"
                    + " application/json\r\nContent-Length: 100\r\n\r\n[1,2,").getBytes(StandardCharsets.ISO_8859_1));
            slow.setSoTimeout(5_000);

            RawHttp.Answer answer = RawHttp.read(slow);

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.header("Content-Type")).startsWith(Problems.CONTENT_TYPE);
            assertThat(answer.json().get("detail").asText()).contains("limits.idleTimeout");
            assertThat(answer.closed()).isTrue();
        }
        assertThat(api.endOffsets("t")).containsExactly(0L);
        api.publish("t", JSON_TYPE, "1");
    }

    @Test
    void shouldGiveUpOnABodyTrickledBelowTheMinimumDataRateThoughEachByteBeatsTheIdleTimeout() throws Exception {
        Limits limits = new Limits(MAX_BODY, 8 << 10, 4 << 10, IDLE, 64, 64, 16L << 20, 0, 100);
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0).withLimits(limits));
        api = new Api(server.uri());
        api.createTopic("t", 1);

        long started = System.nanoTime();
        try (Socket slow = RawHttp.connect(server.uri())) {
            slow.getOutputStream().write(("POST /v1/topics/t/records HTTP/1.1\r\nHost: localhost\r\nContent-Type:"
                    + " application/json\r\nContent-Length: 1000\r\n\r\n[").getBytes(StandardCharsets.ISO_8859_1));
            boolean refused = false;
            for (int i = 0; i < 40 && !refused; i++) {
                Thread.sleep(200);
                try {
                    slow.getOutputStream().write("1,".getBytes(StandardCharsets.ISO_8859_1));
                    slow.getOutputStream().flush();
                } catch (IOException closed) {
                    refused = true;
                }
                refused |= slow.getInputStream().available() > 0;
            }
            assertThat(refused).as("the server gave up on a 10 B/s body (limits.minDataRate 100 B/s)").isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThat(api.endOffsets("t")).containsExactly(0L);
        api.publish("t", JSON_TYPE, "1");
    }

    @Test
    void shouldStopAcceptingPastMaxConnectionsAndServeAgainOnceTheyClose() throws IOException {
        start(Duration.ofSeconds(30), 4);
        api.close();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = RawHttp.connect(server.uri());
                s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(RawHttp.read(s).status()).isEqualTo(200);
                idle.add(s);
            }
            try (Socket extra = RawHttp.connect(server.uri())) {
                extra.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close"
                        .concat("\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                extra.setSoTimeout(700);
                assertThatThrownBy(() -> RawHttp.read(extra)).isInstanceOf(SocketTimeoutException.class);

                for (Socket s : idle) {
                    s.close();
                }
                extra.setSoTimeout(5_000);
                assertThat(RawHttp.read(extra).status()).isEqualTo(200);
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        try (Api again = new Api(server.uri())) {
            assertThat(again.publish("t", JSON_TYPE, "1")).hasSize(1);
        }
    }

    @Test
    void shouldRefuseAChunkedBodyOverASmallBodyLimitAndAppendNothing() throws IOException {
        start(Duration.ofSeconds(30), 64);
        String line = "{\"pad\":\"" + "x".repeat(1000) + "\"}\n";
        StringBuilder chunks = new StringBuilder();
        for (int sent = 0; sent <= MAX_BODY; sent += line.length()) {
            chunks.append(Integer.toHexString(line.length())).append("\r\n").append(line).append("\r\n");
        }
        byte[] request = RawHttp.post("/v1/topics/t/records", "Content-Type: application/x-ndjson\r\n"
                + "Transfer-Encoding: chunked\r\n", (chunks + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));

        RawHttp.Answer answer = RawHttp.exchange(server.uri(), request);

        assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        assertThat(answer.header("Content-Type")).startsWith(Problems.CONTENT_TYPE);
        assertThat(answer.json().get("detail").asText()).contains("limits.maxBody");
        assertThat(api.endOffsets("t")).containsExactly(0L);
        api.publish("t", JSON_TYPE, "1");
    }
}
