package dev.faucet.engine.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineYaml;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The step specs themselves: their examples are real, and "did you mean" finds what users mistype. */
class StepSpecTest {

    /** A pipeline around one step's example, ending in 'to' unless the step must be last. */
    static String around(StepSpec spec) {
        String step = spec.example().lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
        return "name: p\ninput: i\nsteps:\n" + step + "\n" + (spec.kind().equals("route") ? "" : "  - to: o\n");
    }

    @Test
    void everyStepsExampleParsesToThatStep() {
        for (StepSpec spec : PipelineSpec.STEPS) {
            Pipeline p = PipelineYaml.parse(around(spec), "example.yaml", ref -> "{\"type\": \"object\"}");

            assertThat(p.steps().get(0).kind()).as(spec.example()).isEqualTo(spec.kind());
        }
    }

    @Test
    void everyStepHasASummaryAndEveryFieldADescription() {
        for (StepSpec spec : PipelineSpec.STEPS) {
            assertThat(spec.summary()).as(spec.kind()).endsWith(".");
            if (spec.shape() instanceof Shape.Obj o) {
                assertThat(o.fields()).allSatisfy(f -> assertThat(f.description()).as(f.name()).endsWith("."));
            }
        }
    }

    @Test
    void didYouMeanIgnoresCaseDashesAndUnderscoresAndOffersOnlyCloseNames() {
        var keys = PipelineSpec.ERRORS.names();

        assertThat(Suggest.didYouMean("max_backoff", keys)).isEqualTo("; did you mean 'maxBackoff'?");
        assertThat(Suggest.didYouMean("retires", keys)).isEqualTo("; did you mean 'retries'?");
        assertThat(Suggest.didYouMean("deadletter", keys)).isEqualTo("; did you mean 'deadLetter'?");
        assertThat(Suggest.didYouMean("timeout", keys)).isEmpty();
        assertThat(Suggest.didYouMean("t", PipelineSpec.stepKinds())).isEqualTo("; did you mean 'to'?");
        assertThat(Suggest.didYouMean("x", PipelineSpec.stepKinds())).isEmpty();
        assertThat(Suggest.distance("ab", "ba")).isEqualTo(1);
    }
}
