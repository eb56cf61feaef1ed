package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.Pipeline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code dedupe} drops repeats of a key within its span whatever order they arrive in. Records of one key reach a
 * dedupe step out of event-time order whenever it follows a {@code key} step (the tasks of the first stage write the
 * repartition topic in no fixed order), which is why {@code EmbeddedPipelineSmokeTest.dedupeAndRepartition} sometimes
 * sees a key twice.
 */
class DedupeOutOfOrderTest {

    @Test
    void shouldDropARepeatWhoseEventTimeIsBeforeTheOneSeenFirst() {
        Pipeline p = Pipeline.from("in").dedupe("id", Duration.ofMinutes(10)).to("out").build("dedupe-order");
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            d.send("in", TestRecord.of("{\"id\":\"a\",\"n\":1}").at(2_000), TestRecord.of("{\"id\":\"a\",\"n\":2}")
                    .at(1_000), TestRecord.of("{\"id\":\"b\",\"n\":3}").at(3_000));
            assertThat(d.outputs("out")).extracting(TestRecord::value)
                    .containsExactly("{\"id\":\"a\",\"n\":1}", "{\"id\":\"b\",\"n\":3}");
        }
    }
}
