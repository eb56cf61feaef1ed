package dev.faucet.engine.yaml;

import dev.faucet.engine.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads a pipeline's {@code steps}: a list of one-key mappings, each key a step kind of {@link PipelineSpec}. */
final class StepsReader {
    private final NodeReader reader;

    StepsReader(NodeReader reader) {
        this.reader = reader;
    }

    Object read(Node node, String path) {
        if (!(node instanceof SequenceNode seq)) {
            reader.problem(node, path, "expected a list of steps (each line starting with '- '), found "
                    + NodeReader.kindOf(node));
            return NodeReader.INVALID;
        }
        if (seq.getValue().isEmpty()) {
            reader.problem(node, path, "is an empty list: a pipeline has at least one step");
            return NodeReader.INVALID;
        }
        List<Step> steps = new ArrayList<>();
        boolean valid = true;
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String p = path + "[" + i + "]";
            reader.seen(p, item);
            Object step = step(item, p);
            valid &= step != NodeReader.INVALID;
            if (step instanceof Step s) {
                steps.add(s);
            }
        }
        return valid ? steps : NodeReader.INVALID;
    }

    private Object step(Node item, String path) {
        if (item instanceof ScalarNode sc && Tag.STR.equals(sc.getTag()) && PipelineSpec.step(sc.getValue()) != null) {
            reader.problem(item, path, "'" + sc.getValue() + "' needs a value, for example: "
                    + PipelineSpec.step(sc.getValue()).example().lines().collect(Collectors.joining(" ")));
            return NodeReader.INVALID;
        }
        if (!(item instanceof MappingNode m)) {
            reader.problem(item, path, "expected a step (a mapping with one key, the step's kind: " + kinds()
                    + "), found " + NodeReader.kindOf(item));
            return NodeReader.INVALID;
        }
        List<NodeReader.Entry> entries = reader.entries(m, path);
        if (entries.size() != 1) {
            reader.problem(item, path, entries.isEmpty() ? "an empty step: write one of " + kinds() : tooMany(entries));
            return NodeReader.INVALID;
        }
        return kind(entries.get(0), path);
    }

    private Object kind(NodeReader.Entry e, String path) {
        StepSpec spec = PipelineSpec.step(e.key());
        String p = NodeReader.child(path, e.key());
        if (spec == null) {
            String note = PipelineSpec.PLANNED_STEPS.get(e.key());
            reader.problem(e.keyNode(), p, note != null ? note : "unknown step '" + e.key() + "'"
                    + Suggest.didYouMean(e.key(), PipelineSpec.stepKinds()) + " (the steps: " + kinds() + ")");
            return NodeReader.INVALID;
        }
        reader.seen(p, e.keyNode());
        Object value = reader.read(e.value(), spec.shape(), p);
        if (value == NodeReader.INVALID) {
            return NodeReader.INVALID;
        }
        try {
            return spec.build().apply(value);
        } catch (IllegalArgumentException | NullPointerException ex) {
            reader.problem(e.value(), p, ex.getMessage());
            return NodeReader.INVALID;
        }
    }

    /** Two keys or more in one step: usually a key indented at the step's level instead of under it. */
    private static String tooMany(List<NodeReader.Entry> entries) {
        String keys = entries.stream().map(e -> "'" + e.key() + "'").collect(Collectors.joining(", "));
        StepSpec first = PipelineSpec.step(entries.get(0).key());
        if (first != null && first.shape() instanceof Shape.Obj o && o.field(entries.get(1).key()) != null) {
            return "a step has one key, its kind, but this one has " + keys + ": indent '" + entries.get(1).key()
                    + "' under '" + first.kind() + "'";
        }
        return "a step has one key, its kind, but this one has " + keys + ": start each step with its own '- '";
    }

    private static String kinds() {
        return String.join(", ", PipelineSpec.stepKinds());
    }
}
