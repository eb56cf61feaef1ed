package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedPipelineSmokeTest {

    @Test
    void filtersRoutesAndDeadLetters() {
        Pipeline p = Pipeline.from("in").filter("ok").route(r -> r.when("gold", "gold").otherwise("rest"))
                .build("p1");
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            d.send("in", "{\"ok\":true,\"gold\":true,\"n\":1}", "{\"ok\":false,\"n\":2}",
                    "{\"ok\":true,\"gold\":false,\"n\":3}", "not json", "{\"ok\":true,\"gold\":7}");
            List<TestRecord> gold = d.outputs("gold");
            assertThat(gold).extracting(TestRecord::value).containsExactly("{\"ok\":true,\"gold\":true,\"n\":1}");
            assertThat(gold.get(0).headers()).containsEntry("faucet-pipeline", "p1")
                    .containsEntry("faucet-source-topic", "in").containsEntry("faucet-source-offset", "0");
            assertThat(d.outputs("rest")).extracting(TestRecord::value)
                    .containsExactly("{\"ok\":true,\"gold\":false,\"n\":3}");
            List<TestRecord> dead = d.deadLetters();
            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).value()).contains("\"recordBase64\"").contains("\"type\":\"not-json\"");
            assertThat(dead.get(1).value()).contains("\"type\":\"expression-error\"").contains("\"step\":\"route#2\"");
            PipelineStatus s = d.status();
            assertThat(s.recordsIn()).isEqualTo(5);
            assertThat(s.deadLettered()).isEqualTo(2);
            assertThat(s.steps().get(0).dropped()).containsEntry("filtered", 1L);
        }
    }

    @Test
    void dedupeAndRepartition() {
        Pipeline p = Pipeline.from("in").key("id").dedupe("id", Duration.ofMinutes(10)).to("out").build("p2");
        try (PipelineTestDriver d = PipelineTestDriver.create(p).partitions("in", 3).partitions("out", 2)) {
            d.send("in", "{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"a\"}", "{\"id\":\"c\"}", "{\"id\":\"b\"}");
            assertThat(d.outputs("out")).extracting(TestRecord::key).containsExactlyInAnyOrder("a", "b", "c");
        }
    }
}
