package dev.faucet.engine.embedded;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * A part of a pipeline between re-keyings: stage 0 reads the pipeline's inputs; each {@code key} step ends a stage
 * by writing to an internal repartition topic, partitioned by the new key, which the next stage reads. Each stage
 * commits on its own, so every stage keeps the pipeline's guarantee.
 *
 * @param from first step index (inclusive); {@code to} is exclusive and includes the stage's {@code key} step
 */
record Stage(int index, int from, int to, List<String> inputs, String repartitionTopic) {

    static List<Stage> of(Pipeline p) {
        List<Stage> stages = new ArrayList<>();
        int from = 0;
        List<String> inputs = p.inputs();
        for (int i = 0; i < p.steps().size(); i++) {
            if (p.steps().get(i) instanceof Step.Key) {
                String topic = repartitionTopic(p.name(), stages.size());
                stages.add(new Stage(stages.size(), from, i + 1, inputs, topic));
                inputs = List.of(topic);
                from = i + 1;
            }
        }
        if (from < p.steps().size() || stages.isEmpty()) {
            stages.add(new Stage(stages.size(), from, p.steps().size(), inputs, null));
        }
        return stages;
    }

    static String repartitionTopic(String pipeline, int stage) {
        return "__faucet.repartition." + pipeline + "." + stage;
    }

    /** The queue of a pipeline's sink step: what the step committed and its sink has not yet delivered. */
    static String sinkTopic(String pipeline, int step) {
        return "__faucet.sink." + pipeline + "." + step;
    }

    static String changelogTopic(String pipeline, int step) {
        return "__faucet.state." + pipeline + "." + step;
    }
}
