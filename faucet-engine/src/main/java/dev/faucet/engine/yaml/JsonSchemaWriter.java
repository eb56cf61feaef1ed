package dev.faucet.engine.yaml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.yaml.Shape.TextKind;
import java.util.List;
import org.yaml.snakeyaml.Yaml;

/**
 * The JSON Schema (draft 2020-12) of pipeline files, written from {@link PipelineSpec}: what editors use to complete
 * and check pipeline files. Published as docs/pipeline.schema.json. The parser accepts exactly what this schema
 * accepts, except what a schema cannot say: YAML-level rules (no anchors, tags or duplicate keys), and cross-key
 * rules (maxBackoff at least backoff, route last, the last step writes somewhere).
 */
public final class JsonSchemaWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonSchemaWriter() {
    }

    /** The schema as indented JSON with a final newline; the same text every time. */
    public static String write() {
        ObjectNode root = NODES.objectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("title", "Faucet pipeline file");
        root.put("description", "A pipeline: the topics it reads, its steps, its delivery guarantee and its error"
                + " policy. See docs/pipelines.md.");
        root.setAll(shape(PipelineSpec.TOP));
        ObjectNode defs = root.putObject("$defs");
        defs.set("step", steps());
        defs.set("expression", text("A CEL expression: the record's fields are variables, with key, headers and"
                + " timestamp.", null));
        defs.set("topic", text("A topic name.", "^" + TextKind.TOPIC.pattern + "$"));
        defs.set("duration", text("A whole number and a unit: ms, s, m, h or d, as in 100ms, 5s, 10m.",
                Durations.PATTERN));
        defs.set("positiveDuration", text("A duration above zero, as in 10m.", Durations.POSITIVE_PATTERN));
        return Json.pretty(root);
    }

    private static ObjectNode steps() {
        ObjectNode step = NODES.objectNode();
        step.put("description", "A step: a mapping with one key, the step's kind.");
        step.put("type", "object");
        step.put("minProperties", 1);
        step.put("maxProperties", 1);
        step.put("additionalProperties", false);
        ObjectNode properties = step.putObject("properties");
        for (StepSpec s : PipelineSpec.STEPS) {
            ObjectNode p = described(s.summary(), shape(s.shape()));
            p.putArray("examples").add(Json.MAPPER.convertValue(example(s), ObjectNode.class).get(s.kind()));
            properties.set(s.kind(), p);
        }
        return step;
    }

    private static Object example(StepSpec s) {
        return new Yaml().loadAs(s.example().substring(2), Object.class);
    }

    static ObjectNode shape(Shape shape) {
        return switch (shape) {
            case Shape.Text t -> textKind(t.kind());
            case Shape.Span s -> ref(s.positive() ? "positiveDuration" : "duration");
            case Shape.Count c -> NODES.objectNode().put("type", "integer").put("minimum", c.min());
            case Shape.Flag f -> NODES.objectNode().put("type", "boolean");
            case Shape.Either e -> {
                ObjectNode n = NODES.objectNode();
                n.putArray("oneOf").add(shape(e.scalar())).add(shape(e.mapping()));
                yield n;
            }
            case Shape.Choice c -> choice(c.values());
            case Shape.Obj o -> obj(o);
            case Shape.MapOf m -> mapOf(m);
            case Shape.ListOf l -> listOf(l);
            case Shape.Schema s -> schema();
            case Shape.Steps s -> {
                ObjectNode n = NODES.objectNode().put("type", "array").put("minItems", 1);
                n.set("items", ref("step"));
                yield n;
            }
        };
    }

    private static ObjectNode textKind(TextKind kind) {
        return switch (kind) {
            case EXPRESSION -> ref("expression");
            case TOPIC -> ref("topic");
            case NAME -> text(null, "^" + kind.pattern + "$");
            case FIELD -> NODES.objectNode().put("type", "string").put("minLength", 1);
            case TEXT -> NODES.objectNode().put("type", "string");
        };
    }

    private static ObjectNode text(String description, String pattern) {
        ObjectNode n = NODES.objectNode();
        if (description != null) {
            n.put("description", description);
        }
        n.put("type", "string").put("minLength", 1);
        if (pattern != null) {
            n.put("pattern", pattern);
        }
        return n;
    }

    private static ObjectNode described(String description, ObjectNode shape) {
        ObjectNode n = NODES.objectNode().put("description", description);
        n.setAll(shape);
        return n;
    }

    private static ObjectNode ref(String def) {
        return NODES.objectNode().put("$ref", "#/$defs/" + def);
    }

    private static ObjectNode choice(List<String> values) {
        ObjectNode n = NODES.objectNode().put("type", "string");
        values.forEach(n.putArray("enum")::add);
        return n;
    }

    private static ObjectNode obj(Shape.Obj o) {
        ObjectNode n = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ArrayNode required = NODES.arrayNode();
        ObjectNode properties = NODES.objectNode();
        for (FieldSpec f : o.fields()) {
            ObjectNode p = described(f.description(), shape(f.shape()));
            if (f.defaultValue() != null) {
                if (f.shape() instanceof Shape.Count) {
                    p.put("default", Integer.parseInt(f.defaultValue()));
                } else if (f.shape() instanceof Shape.Flag) {
                    p.put("default", Boolean.parseBoolean(f.defaultValue()));
                } else {
                    p.put("default", f.defaultValue());
                }
            }
            if (f.required()) {
                required.add(f.name());
            }
            properties.set(f.name(), p);
        }
        if (!required.isEmpty()) {
            n.set("required", required);
        }
        n.set("properties", properties);
        return n;
    }

    private static ObjectNode mapOf(Shape.MapOf m) {
        ObjectNode n = NODES.objectNode().put("type", "object").put("minProperties", 1);
        n.putObject("propertyNames").put("minLength", 1);
        n.set("additionalProperties", shape(m.values()));
        return n;
    }

    private static ObjectNode listOf(Shape.ListOf l) {
        ObjectNode list = NODES.objectNode().put("type", "array").put("minItems", 1);
        list.set("items", shape(l.items()));
        if (!l.oneAllowed()) {
            return list;
        }
        ObjectNode n = NODES.objectNode();
        n.putArray("oneOf").add(shape(l.items())).add(list);
        return n;
    }

    private static ObjectNode schema() {
        ObjectNode n = NODES.objectNode();
        ArrayNode oneOf = n.putArray("oneOf");
        oneOf.add(text("The path of a JSON Schema file, relative to the pipeline file.", null));
        oneOf.addObject().put("description", "A JSON Schema (draft 2020-12), written inline.").put("type", "object");
        return n;
    }
}
