package dev.faucet.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.log.LogRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.server.FaucetServer;
import dev.faucet.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code faucet demo}'s parts in a real server: topics, customers, the example pipelines, generated events. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void generatedEventsFlowThroughTheExamplePipelinesToEveryOutputAndTheDeadLetters() throws Exception {
        try (FaucetServer server = FaucetServer.start(new ServerConfig(dir, ServerConfig.DEFAULT_BIND, 0))) {
            StringWriter printed = new StringWriter();
            try (Demo demo = new Demo(server.runtime(), server.uri(), 300, new PrintWriter(printed))) {
                demo.start();
                PipelineRuntime rt = server.runtime();
                Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (String t : List.of("orders-gold", "orders-international", "orders-standard",
                            "orders-routing.dlq", "payments-by-customer")) {
                        assertThat(records(rt, t)).as(t).isGreaterThan(0);
                    }
                    // about 8 in 100 payments are declined: the filter drops them, counted
                    assertThat(rt.pipeline("payments-dedupe").orElseThrow().steps().get(0).dropped())
                            .containsKey("filtered");
                });
                for (String name : Demo.PIPELINES) {
                    PipelineStatus s = rt.pipeline(name).orElseThrow();
                    assertThat(s.state()).as(name).isEqualTo(PipelineStatus.State.RUNNING);
                    assertThat(s.failure()).isNull();
                }
                // every dead letter of the orders is one the generator meant to be bad, for a reason it names
                for (LogRecord r : all(rt, "orders-routing.dlq")) {
                    assertThat(r.valueAsString()).containsAnyOf("\"type\":\"schema-invalid\"",
                            "\"type\":\"enrich-missing\"");
                }
                assertThat(printed.toString()).doesNotContain("was answered");
            }
        }
    }

    private static long records(PipelineRuntime rt, String topic) {
        return rt.topic(topic).orElseThrow().partitions().stream().mapToLong(PartitionInfo::endOffset).sum();
    }

    private static List<LogRecord> all(PipelineRuntime rt, String topic) {
        List<LogRecord> out = new ArrayList<>();
        for (PartitionInfo p : rt.topic(topic).orElseThrow().partitions()) {
            out.addAll(rt.read(topic, p.partition(), 0, 10_000));
        }
        return out;
    }
}
