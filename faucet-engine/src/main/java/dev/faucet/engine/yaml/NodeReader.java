package dev.faucet.engine.yaml;

import dev.faucet.engine.yaml.Shape.Choice;
import dev.faucet.engine.yaml.Shape.ListOf;
import dev.faucet.engine.yaml.Shape.MapOf;
import dev.faucet.engine.yaml.Shape.Obj;
import dev.faucet.engine.yaml.Shape.Span;
import dev.faucet.engine.yaml.Shape.Text;
import dev.faucet.engine.yaml.Shape.TextKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads composed YAML nodes against {@link Shape}s: every problem goes to {@link Problems} with its line and field
 * path, every field seen gets its line recorded (for {@code Pipeline.Origin}), and each value comes back as plain
 * Java (String, Duration, Integer, List, Map with defaults filled in), or {@link #INVALID} when it had a problem.
 * Reading goes on after a problem, so one pass finds every independent one. Not thread-safe; one per file.
 */
final class NodeReader {
    static final Object INVALID = new Object();

    private final Problems problems;
    private final SchemaReader schemas;
    private final Map<String, Integer> lines = new LinkedHashMap<>();

    NodeReader(Problems problems, SchemaReader schemas) {
        this.problems = problems;
        this.schemas = schemas;
    }

    /** The 1-based line of every field path seen. */
    Map<String, Integer> lines() {
        return lines;
    }

    Object read(Node node, Shape shape, String path) {
        return switch (shape) {
            case Text t -> text(node, t, path);
            case Span s -> span(node, s, path);
            case Shape.Count c -> count(node, c.min(), path);
            case Shape.Flag f -> flag(node, path);
            case Shape.Either e -> read(node, node instanceof MappingNode ? e.mapping() : e.scalar(), path);
            case Choice c -> choice(node, c, path);
            case Obj o -> obj(node, o, path);
            case MapOf m -> mapOf(node, m, path);
            case ListOf l -> listOf(node, l, path);
            case Shape.Schema s -> schemas.read(node, path, this);
            case Shape.Steps s -> new StepsReader(this).read(node, path);
        };
    }

    void problem(Node at, String path, String message) {
        problems.add(line(at), path, message);
    }

    void seen(String path, Node at) {
        lines.put(path, line(at));
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Object text(Node node, Text t, String path) {
        String s = string(node, t, path);
        if (s == null) {
            return INVALID;
        }
        if (t.kind() != TextKind.TEXT && s.isBlank()) {
            problem(node, path, "is empty: expected " + t.describe());
            return INVALID;
        }
        if (t.kind().pattern != null && !s.matches(t.kind().pattern)) {
            String max = t.kind() == TextKind.TOPIC ? "249" : "200";
            problem(node, path, "'" + s + "' is not " + t.describe() + ": use 1 to " + max + " of a-z A-Z 0-9 . _ -");
            return INVALID;
        }
        return s;
    }

    /** The text of a string scalar, or null after saying what the node is instead. */
    String string(Node node, Shape expected, String path) {
        if (node instanceof ScalarNode sc && Tag.STR.equals(sc.getTag())) {
            return sc.getValue();
        }
        problem(node, path, node instanceof ScalarNode sc ? notText(sc, expected)
                : "expected " + expected.describe() + ", found " + kindOf(node));
        return null;
    }

    private static String notText(ScalarNode sc, Shape expected) {
        String v = sc.getValue();
        String quote = ": write \"" + v + "\" in quotes if you mean the text";
        if (Tag.NULL.equals(sc.getTag())) {
            return "is empty: expected " + expected.describe();
        }
        if (Tag.INT.equals(sc.getTag()) || Tag.FLOAT.equals(sc.getTag())) {
            return v + " is a number, not " + expected.describe() + quote;
        }
        if (Tag.BOOL.equals(sc.getTag())) {
            return v + " is a YAML boolean (YAML reads true, false, yes, no, on and off as booleans), not "
                    + expected.describe() + quote;
        }
        if (Tag.TIMESTAMP.equals(sc.getTag())) {
            return v + " reads as a date in YAML, not " + expected.describe() + quote;
        }
        return "expected " + expected.describe() + ", found " + kindOf(sc);
    }

    static String kindOf(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode sc = (ScalarNode) node;
        if (Tag.NULL.equals(sc.getTag())) {
            return "nothing";
        }
        if (Tag.INT.equals(sc.getTag()) || Tag.FLOAT.equals(sc.getTag())) {
            return "the number " + sc.getValue();
        }
        return (Tag.BOOL.equals(sc.getTag()) ? "the boolean " : "the text ") + "'" + sc.getValue() + "'";
    }

    private Object span(Node node, Span s, String path) {
        if (node instanceof ScalarNode sc && Tag.INT.equals(sc.getTag())) {
            problem(node, path, sc.getValue() + " has no unit: add one, e.g. " + sc.getValue() + "s (units: "
                    + Durations.UNITS + ")");
            return INVALID;
        }
        String text = string(node, s, path);
        if (text == null) {
            return INVALID;
        }
        Duration d = Durations.parse(text);
        if (d == null) {
            problem(node, path, text.matches("[0-9]+") ? text + " has no unit: add one, e.g. " + text + "s (units: "
                    + Durations.UNITS + ")" : "'" + text + "' is not a duration: write a whole number and a unit ("
                    + Durations.UNITS + "), e.g. 100ms, 5s, 10m");
            return INVALID;
        }
        if (s.positive() && d.isZero()) {
            problem(node, path, "must be more than 0");
            return INVALID;
        }
        return d;
    }

    private Object flag(Node node, String path) {
        if (node instanceof ScalarNode sc && Tag.BOOL.equals(sc.getTag())) {
            return List.of("true", "yes", "on").contains(sc.getValue().toLowerCase(java.util.Locale.ROOT));
        }
        problem(node, path, "expected true or false, found " + kindOf(node));
        return INVALID;
    }

    private Object count(Node node, int min, String path) {
        if (node instanceof ScalarNode sc && Tag.INT.equals(sc.getTag()) && sc.getValue().matches("[-+]?[0-9]+")) {
            long n;
            try {
                n = Long.parseLong(sc.getValue());
            } catch (NumberFormatException e) {
                n = Long.MAX_VALUE;
            }
            if (n < min || n > Integer.MAX_VALUE) {
                problem(node, path, n < min ? "must be " + min + " or more" : sc.getValue() + " is too large");
                return INVALID;
            }
            return (int) n;
        }
        String quoted = node instanceof ScalarNode sc && Tag.STR.equals(sc.getTag())
                && sc.getValue().matches("[0-9]+") ? ": write it without quotes" : "";
        problem(node, path, "expected a whole number, found " + kindOf(node) + quoted);
        return INVALID;
    }

    private Object choice(Node node, Choice c, String path) {
        String s = string(node, c, path);
        if (s == null) {
            return INVALID;
        }
        if (!c.values().contains(s)) {
            problem(node, path, "'" + s + "' is not one of " + String.join(", ", c.values())
                    + Suggest.didYouMean(s, c.values()));
            return INVALID;
        }
        return s;
    }

    private Object obj(Node node, Obj o, String path) {
        if (!(node instanceof MappingNode m)) {
            problem(node, path, "expected a mapping with the keys " + String.join(", ", o.names()) + ", found "
                    + kindOf(node));
            return INVALID;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Set<String> given = new HashSet<>();
        boolean valid = true;
        for (Entry e : entries(m, path)) {
            given.add(e.key());
            FieldSpec f = o.field(e.key());
            Object v = f == null ? unknownKey(e, o, path) : field(e, f, child(path, e.key()));
            valid &= v != INVALID;
            out.put(e.key(), v);
        }
        valid &= missing(m, o, given, path);
        if (!valid) {
            return INVALID;
        }
        out.putAll(defaults(o, given));
        Shape.Violation broken = o.rule().apply(out);
        if (broken != null) {
            String p = broken.field().isEmpty() ? path : child(path, broken.field());
            problems.add(lines.getOrDefault(p, line(m)), p, broken.message());
            return INVALID;
        }
        return out;
    }

    private Object field(Entry e, FieldSpec f, String path) {
        seen(path, e.keyNode());
        if (f.mappingNote() != null && e.value() instanceof MappingNode) {
            problem(e.value(), path, f.mappingNote());
            return INVALID;
        }
        return read(e.value(), f.shape(), path);
    }

    private Object unknownKey(Entry e, Obj o, String path) {
        String note = o.planned().get(e.key());
        problem(e.keyNode(), child(path, e.key()), note != null ? note : "unknown key '" + e.key() + "'"
                + Suggest.didYouMean(e.key(), o.names()) + " (the keys here: " + String.join(", ", o.names()) + ")");
        return INVALID;
    }

    private boolean missing(MappingNode m, Obj o, Set<String> given, String path) {
        boolean complete = true;
        for (FieldSpec f : o.fields()) {
            if (f.required() && !given.contains(f.name())) {
                problem(m, child(path, f.name()), "missing '" + f.name() + "' (" + f.shape().describe() + "): "
                        + f.description());
                complete = false;
            }
        }
        return complete;
    }

    /** The defaults of the fields of {@code o} not given. */
    Map<String, Object> defaults(Obj o, Set<String> given) {
        Map<String, Object> out = new HashMap<>();
        for (FieldSpec f : o.fields()) {
            if (!given.contains(f.name()) && f.defaultValue() != null) {
                out.put(f.name(), defaultValue(f));
            }
        }
        return out;
    }

    private static Object defaultValue(FieldSpec f) {
        return switch (f.shape()) {
            case Span s -> Durations.parse(f.defaultValue());
            case Shape.Count c -> Integer.parseInt(f.defaultValue());
            case Shape.Flag fl -> Boolean.parseBoolean(f.defaultValue());
            default -> f.defaultValue();
        };
    }

    private Object mapOf(Node node, MapOf shape, String path) {
        if (!(node instanceof MappingNode m)) {
            problem(node, path, "expected " + shape.describe() + ", found " + kindOf(node));
            return INVALID;
        }
        List<Entry> entries = entries(m, path);
        if (m.getValue().isEmpty()) {
            problem(node, path, "is empty: expected at least one field");
            return INVALID;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        boolean valid = true;
        for (Entry e : entries) {
            String p = child(path, e.key());
            seen(p, e.keyNode());
            if (e.key().isBlank()) {
                problem(e.keyNode(), p, "a field name cannot be empty");
                valid = false;
                continue;
            }
            Object v = read(e.value(), shape.values(), p);
            valid &= v != INVALID;
            out.put(e.key(), v);
        }
        return valid ? out : INVALID;
    }

    private Object listOf(Node node, ListOf shape, String path) {
        if (!(node instanceof SequenceNode seq)) {
            if (!shape.oneAllowed()) {
                problem(node, path, "expected " + shape.describe() + ", found " + kindOf(node));
                return INVALID;
            }
            Object one = read(node, shape.items(), path);
            return one == INVALID ? INVALID : List.of(one);
        }
        if (seq.getValue().isEmpty()) {
            problem(node, path, "is an empty list: expected at least one");
            return INVALID;
        }
        List<Object> out = new ArrayList<>();
        boolean valid = true;
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String p = path + "[" + i + "]";
            seen(p, item);
            Object v = read(item, shape.items(), p);
            if (v instanceof String s && out.contains(s)) {
                problem(item, p, "'" + s + "' is listed twice");
                v = INVALID;
            }
            valid &= v != INVALID;
            out.add(v);
        }
        return valid ? out : INVALID;
    }

    /** A mapping's entries by key text; a duplicate key or a key that is not a scalar is reported and left out. */
    List<Entry> entries(MappingNode m, String path) {
        List<Entry> out = new ArrayList<>();
        Map<String, Node> firsts = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problem(t.getKeyNode(), path, "a key must be a name, not " + kindOf(t.getKeyNode()));
                continue;
            }
            Node first = firsts.putIfAbsent(k.getValue(), k);
            if (first != null) {
                problem(k, child(path, k.getValue()), "duplicate key '" + k.getValue() + "' (first at line "
                        + line(first) + ")");
                continue;
            }
            out.add(new Entry(k.getValue(), k, t.getValueNode()));
        }
        return out;
    }

    /** One key and its value. */
    record Entry(String key, Node keyNode, Node value) {
    }
}
