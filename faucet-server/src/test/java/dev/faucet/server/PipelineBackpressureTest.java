package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline that falls behind holds its input's backlog: ingest answers 429 instead of disk or memory running out. */
class PipelineBackpressureTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void aPausedPipelineMakesIngestAnswer429OnceItsBacklogIsOverTheLimitAndResumingClearsIt() throws Exception {
        Backlog backlog = new Backlog(100, 1L << 30, Backlog.Policy.REJECT, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        try (FaucetServer server = FaucetServer.start(ServerConfig.of(dir).withPort(0).withBacklog(backlog))) {
            PipelineRuntime rt = server.runtime();
            rt.createTopic(TopicConfig.of("orders", 1));
            rt.createTopic(TopicConfig.of("out", 1));
            rt.deploy(Pipeline.from("orders").to("out").build("copy"));
            rt.publish(new Publish("orders", List.of(NewRecord.of("{\"n\":0}".getBytes())), null, null)).join();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rt.pipeline("copy").orElseThrow()
                    .recordsOut() == 1);
            rt.pause("copy");
            URI base = server.uri();
            assertThat(publish(base, 150).statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> r = publish(base, 1);
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("slowest consumer, pipeline 'copy'");
            });
            rt.resume("copy");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rt.pipeline("copy").orElseThrow()
                    .lagRecords() == 0 && rt.pipeline("copy").orElseThrow().state() == PipelineStatus.State.RUNNING);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> publish(base, 1).statusCode() == 200);
        }
    }

    private static HttpResponse<String> publish(URI base, int records) throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < records; i++) {
            ndjson.append("{\"n\":").append(i).append("}\n");
        }
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/topics/orders/records"))
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
