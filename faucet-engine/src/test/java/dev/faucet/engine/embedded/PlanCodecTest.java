package dev.faucet.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.OnMissing;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineYaml;
import java.time.Duration;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** The registry keeps a pipeline's plan; a restart must deploy exactly the same plan with the same version. */
class PlanCodecTest {

    @Test
    void everyStepKindAndSettingSurvivesTheRoundTrip() {
        LinkedHashMap<String, String> fields = new LinkedHashMap<>();
        fields.put("b", "2");
        fields.put("a", "b + 1");
        Pipeline p = Pipeline.from("in", "in2").guarantee(Guarantee.AT_LEAST_ONCE).time("at", Duration.ofSeconds(5))
                .errors(new ErrorPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(1), "dead",
                        ErrorPolicy.OnFailure.FAIL))
                .validate("{\"type\":\"object\"}").filter("x > 1").set(fields).map("{'a': a}").drop("a", "b")
                .enrich("t", "id", "row", OnMissing.SKIP).key("id").dedupe("id", Duration.ofMinutes(3)).to("tap")
                .route(r -> r.when("a == 1", "one").otherwise("other")).build("everything");
        Pipeline back = PlanCodec.decode(PlanCodec.encode(p));
        assertThat(back).isEqualTo(p);
        assertThat(back.version()).isEqualTo(p.version());
    }

    @Test
    void aPipelineFromYamlKeepsItsSourceAndVersion() {
        Pipeline p = PipelineYaml.parse("""
                name: from-yaml
                input: orders
                steps:
                  - filter: "amount > 0"
                  - to: out
                """, "from-yaml.yaml", null);
        Pipeline back = PlanCodec.decode(PlanCodec.encode(p));
        assertThat(back.source()).isEqualTo(p.source());
        assertThat(back.version()).isEqualTo(p.version());
        assertThat(back.steps()).isEqualTo(p.steps());
    }
}
