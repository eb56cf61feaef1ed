package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.Pipeline;
import org.junit.jupiter.api.Test;

/**
 * A dead letter's {@code record}, {@code key} and {@code headers} are the original record's (DESIGN.md, Pipelines:
 * {@code {"record": <original value>, "key": …, "headers": {…}, …}}), also when the failing step runs after a
 * {@code key} step, in a later stage that reads the repartition topic.
 */
class SecondStageDeadLetterTest {

    @Test
    void shouldDeadLetterTheOriginalRecordWhenAStepAfterAKeyStepFails() {
        Pipeline p = Pipeline.from("in").set("sid", "id").key("id").route(r -> r.when("gold", "gold")
                .otherwise("rest")).build("late-dead-letter");
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            d.send("in", TestRecord.of("original-key", "{\"id\":\"a\",\"gold\":7}"));
            String dead = d.deadLetters().get(0).value();
            assertThat(dead).contains("\"step\":\"route#3\"").contains("\"type\":\"expression-error\"")
                    .contains("\"source\":{\"topic\":\"in\",\"partition\":0,\"offset\":0}");
            assertThat(dead).startsWith("{\"record\":{\"id\":\"a\",\"gold\":7},\"key\":\"original-key\","
                    + "\"headers\":{},");
        }
    }
}
