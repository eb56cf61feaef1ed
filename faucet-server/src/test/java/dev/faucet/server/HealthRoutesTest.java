package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.log.LogState;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health answers for log states a running {@link FaucetServer} does not reach on demand. */
class HealthRoutesTest {
    private final AtomicReference<LogState> logState = new AtomicReference<>(LogState.OPEN);
    private Javalin http;
    private URI uri;

    @BeforeEach
    void serveHealthRoutesOnly() {
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            new HealthRoutes(logState::get).addTo(cfg.routes);
        }).start("127.0.0.1", 0);
        uri = URI.create("http://127.0.0.1:" + http.port());
    }

    @AfterEach
    void stop() {
        http.stop();
    }

    @Test
    void shouldAnswerNeitherLiveNorReadyOnceTheLogHasFailed() throws Exception {
        logState.set(LogState.FAILED);

        HttpResponse<String> live = Loopback.get(uri, "/health/live");
        HttpResponse<String> ready = Loopback.get(uri, "/health/ready");

        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(live.body()).isEqualTo("{\"status\":\"failed\",\"log\":\"failed\"}");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"not-ready\",\"log\":\"failed\"}");
    }

    @Test
    void shouldStayLiveButNotReadyOnceTheLogIsClosed() throws Exception {
        logState.set(LogState.CLOSED);

        HttpResponse<String> live = Loopback.get(uri, "/health/live");
        HttpResponse<String> ready = Loopback.get(uri, "/health/ready");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"not-ready\",\"log\":\"closed\"}");
    }

    @Test
    void shouldAnswerTheStateOfTheLogAtEachRequest() throws Exception {
        assertThat(Loopback.get(uri, "/health/ready").statusCode()).isEqualTo(200);

        logState.set(LogState.FAILED);

        assertThat(Loopback.get(uri, "/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void shouldStayLiveButNotReadyWhileTheLogRecovers() throws Exception {
        logState.set(null);

        HttpResponse<String> live = Loopback.get(uri, "/health/live");
        HttpResponse<String> ready = Loopback.get(uri, "/health/ready");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"not-ready\",\"log\":\"recovering\"}");
    }
}
