package dev.faucet.engine.yaml;

import dev.faucet.engine.Step;
import java.util.function.Function;

/**
 * A step's declared settings (STYLE.md habit 10): its kind as YAML spells it, a one-line summary, the shape of its
 * value, an example as it appears in a file's {@code steps} list, and how a checked value becomes a {@link Step}.
 * The parser, {@code PipelineYaml.jsonSchema()} and the step reference in docs/pipelines.md all come from these.
 *
 * <p>{@code build} receives the value the parser produced for {@code shape}: a String for text, a Duration, a List,
 * or a Map with every default filled in, and only when that value had no problem.
 */
record StepSpec(String kind, String summary, Shape shape, String example, Function<Object, Step> build) {
}
