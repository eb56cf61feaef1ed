package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.IdempotencySettings;
import dev.faucet.log.FaultyFileSeam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An fsync error fails the log closed (RELIABILITY F5): ingest says so with 503, liveness asks for a restart. */
class FailedLogTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private FaucetServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void afterAnFsyncErrorPublishingAnswers503WithRetryAfterAndLivenessFails() throws Exception {
        FaultyFileSeam disk = new FaultyFileSeam();
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0), c -> EmbeddedRuntime.open(c.dataDir(),
                log -> log.withFileSeam(disk), IdempotencySettings.DEFAULTS));
        URI base = server.uri();
        assertThat(send(base, "POST", "/v1/topics", "{\"name\":\"orders\"}").statusCode()).isEqualTo(201);
        assertThat(send(base, "POST", "/v1/topics/orders/records", "{\"n\":1}").statusCode()).isEqualTo(200);

        disk.failForceAfter(0);
        HttpResponse<String> failed = send(base, "POST", "/v1/topics/orders/records", "{\"n\":2}");
        HttpResponse<String> after = send(base, "POST", "/v1/topics/orders/records", "{\"n\":3}");

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.headers().firstValue("Retry-After")).isPresent();
        assertThat(failed.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(after.statusCode()).isEqualTo(503);
        assertThat(after.body()).contains("log-unavailable");
        assertThat(send(base, "GET", "/health/live", null).statusCode()).isEqualTo(503);
        assertThat(send(base, "GET", "/health/ready", null).statusCode()).isEqualTo(503);
    }
}
