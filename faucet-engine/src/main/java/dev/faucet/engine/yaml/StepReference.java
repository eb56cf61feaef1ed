package dev.faucet.engine.yaml;


/**
 * The reference part of docs/pipelines.md, written from {@link PipelineSpec}: the top-level keys and every step with
 * its fields and an example. A test keeps the file's copy (between {@link #BEGIN} and {@link #END}) current.
 */
final class StepReference {
    static final String BEGIN = "<!-- reference:begin: generated from the step specs (PipelineSpec.java); to change"
            + " it, change them and regenerate as GeneratedDocsTest says -->";
    static final String END = "<!-- reference:end -->";

    private static final String HEADER = "| field | type | required | default | meaning |\n|---|---|---|---|---|\n";

    private StepReference() {
    }

    static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("### Top-level keys\n\n");
        keys(out);
        out.append("\n### Steps\n\nEach step is a mapping with one key, the step's kind: ")
                .append(String.join(", ", PipelineSpec.stepKinds().stream().map(k -> "`" + k + "`").toList()))
                .append(".\n");
        for (StepSpec s : PipelineSpec.STEPS) {
            step(out, s);
        }
        out.append("\nPlanned, not run by this version (refused with a note): ")
                .append(String.join(", ", PipelineSpec.PLANNED_STEPS.keySet().stream().sorted()
                        .map(k -> "`" + k + "`").toList()))
                .append(".\n");
        return out.toString();
    }

    private static void keys(StringBuilder out) {
        out.append(HEADER.replace("field", "key"));
        for (FieldSpec f : PipelineSpec.TOP.fields()) {
            row(out, f.name(), f);
            if (f.shape() instanceof Shape.Obj o) {
                o.fields().forEach(c -> row(out, f.name() + "." + c.name(), c));
            }
        }
    }

    private static void row(StringBuilder out, String key, FieldSpec f) {
        out.append("| `").append(key).append("` | ").append(f.shape().describe().replace("|", "\\|")).append(" | ")
                .append(f.required() ? "yes" : "no").append(" | ")
                .append(f.defaultValue() == null ? "" : "`" + f.defaultValue() + "`").append(" | ")
                .append(f.description().replace("|", "\\|")).append(" |\n");
    }

    private static void step(StringBuilder out, StepSpec s) {
        out.append("\n#### `").append(s.kind()).append("`\n\n").append(s.summary()).append("\n\n");
        if (s.shape() instanceof Shape.Obj o) {
            out.append(HEADER);
            o.fields().forEach(f -> row(out, f.name(), f));
        } else if (s.shape() instanceof Shape.ListOf l && l.items() instanceof Shape.Obj o) {
            out.append("A list of branches, each with:\n\n").append(HEADER);
            o.fields().forEach(f -> row(out, f.name(), f));
        } else {
            out.append("Value: ").append(s.shape().describe()).append(".\n");
        }
        out.append("\n```yaml\n").append(s.example()).append("\n```\n");
    }
}
