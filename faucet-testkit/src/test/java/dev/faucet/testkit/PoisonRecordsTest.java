package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records that break a step go to the dead letters, and the records after them are processed. */
class PoisonRecordsTest {

    @Test
    void aRecordDeadLetteredForItsSizeLeavesNoDedupeStateBehind() {
        Pipeline p = Pipeline.from("in").dedupe("id", java.time.Duration.ofHours(1)).set("copy", "pad + pad")
                .to("out").build("sized");
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            d.send("in", "{\"id\":\"a\",\"pad\":\"" + "x".repeat(600_000) + "\"}", "{\"id\":\"a\",\"pad\":\"small\"}");
            assertThat(d.deadLetters()).singleElement().extracting(TestRecord::value).asString()
                    .contains("output-too-large");
            assertThat(d.outputs("out")).singleElement().extracting(TestRecord::value).asString().contains("small");
        }
    }

    @Test
    void unparseableCelErrorsAndHugeRecordsAreDeadLetteredAndThePipelineGoesOn() {
        String pad = "x".repeat(600_000);
        Pipeline p = Pipeline.from("in").filter("n > 0").set("copy", "pad + pad").to("out").build("poison");
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            d.send("in", "{\"n\":1,\"pad\":\"a\"}", "{not json", "{\"n\":\"two\",\"pad\":\"b\"}",
                    "{\"n\":3,\"pad\":\"" + pad + "\"}", "{\"n\":4,\"pad\":\"" + "y".repeat(100_000) + "\"}",
                    "{\"n\":5,\"pad\":\"c\"}");
            List<TestRecord> out = d.outputs("out");
            assertThat(out).extracting(r -> r.value().substring(0, 6)).containsExactly("{\"n\":1", "{\"n\":4",
                    "{\"n\":5");
            assertThat(out.get(1).value()).hasSizeGreaterThan(200_000);
            List<TestRecord> dead = d.deadLetters();
            assertThat(dead).hasSize(3);
            assertThat(dead.get(0).value()).contains("\"type\":\"not-json\"").contains("\"recordBase64\"");
            assertThat(dead.get(1).value()).contains("\"type\":\"expression-error\"").contains("\"step\":\"filter#1\"");
            assertThat(dead.get(2).value()).contains("\"type\":\"output-too-large\"").contains("\"recordOmitted\"")
                    .contains("\"offset\":3");
            PipelineStatus s = d.status();
            assertThat(s.state()).isEqualTo(PipelineStatus.State.RUNNING);
            assertThat(s.deadLettered()).isEqualTo(3);
        }
    }
}
