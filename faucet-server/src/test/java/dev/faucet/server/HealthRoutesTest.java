package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.Guarantee;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.log.LogState;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health answers for log states a running {@link FaucetServer} does not reach on demand. */
class HealthRoutesTest {
    private final AtomicReference<LogState> logState = new AtomicReference<>(LogState.OPEN);
    private final AtomicReference<List<PipelineStatus>> pipelines = new AtomicReference<>(List.of());
    private Javalin http;
    private URI uri;

    @BeforeEach
    void serveHealthRoutesOnly() {
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            new HealthRoutes(logState::get, pipelines::get).addTo(cfg.routes);
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

    @Test
    void shouldBeReadyWithPausedAndFailedPipelinesListedButNotCounted() throws Exception {
        pipelines.set(List.of(pipeline("running", PipelineStatus.State.RUNNING, true),
                pipeline("paused", PipelineStatus.State.PAUSED, true),
                pipeline("failed", PipelineStatus.State.FAILED, true)));

        HttpResponse<String> ready = Loopback.get(uri, "/health/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"pipelines\":["
                + "{\"name\":\"paused\",\"state\":\"paused\",\"ready\":true},"
                + "{\"name\":\"failed\",\"state\":\"failed\",\"ready\":true}]}");
    }

    @Test
    void shouldNotBeReadyWhileARunningPipelineIsNot() throws Exception {
        pipelines.set(List.of(pipeline("catching-up", PipelineStatus.State.RUNNING, false),
                pipeline("fine", PipelineStatus.State.RUNNING, true)));

        HttpResponse<String> ready = Loopback.get(uri, "/health/ready");
        HttpResponse<String> live = Loopback.get(uri, "/health/live");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"not-ready\",\"log\":\"open\",\"pipelines\":["
                + "{\"name\":\"catching-up\",\"state\":\"running\",\"ready\":false}]}");
        assertThat(live.statusCode()).isEqualTo(200);
    }

    private static PipelineStatus pipeline(String name, PipelineStatus.State state, boolean ready) {
        return new PipelineStatus(name, "v1", Guarantee.EXACTLY_ONCE, state, null, Instant.EPOCH, List.of("in"),
                List.of("out"), name + ".dlq", ready, List.of(), List.of(), PipelineStatus.Latency.NONE, 0, 0, 0,
                List.of());
    }
}
