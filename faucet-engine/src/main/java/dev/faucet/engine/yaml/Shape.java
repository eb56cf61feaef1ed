package dev.faucet.engine.yaml;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The shape of a value in a pipeline file. One shape drives three things: what the parser accepts (and says when it
 * does not), the JSON Schema that editors use, and the type column of the reference in docs/pipelines.md.
 */
sealed interface Shape {

    /** The shape in words, for messages and docs: "a topic name", "a duration such as 5s". */
    String describe();

    /** Text with a meaning, each kind checked its own way. */
    enum TextKind {
        EXPRESSION("a CEL expression", null),
        TOPIC("a topic name", "[a-zA-Z0-9._-]{1,249}"),
        NAME("a pipeline name", "[a-zA-Z0-9._-]{1,200}"),
        FIELD("a field name", null),
        TEXT("text", null);

        final String words;
        final String pattern;

        TextKind(String words, String pattern) {
            this.words = words;
            this.pattern = pattern;
        }
    }

    /** A string of the given kind; never empty (except free {@link TextKind#TEXT}). */
    record Text(TextKind kind) implements Shape {
        @Override
        public String describe() {
            return kind.words;
        }
    }

    /** A whole number and a unit: {@code 100ms}, {@code 5s}, {@code 10m}, {@code 1h}, {@code 1d}. */
    record Span(boolean positive) implements Shape {
        @Override
        public String describe() {
            return "a duration such as 5s";
        }
    }

    /** A whole number, {@code min} or more. */
    record Count(int min) implements Shape {
        Count() {
            this(0);
        }

        @Override
        public String describe() {
            return "a whole number, " + min + " or more";
        }
    }

    /** Either a scalar of one shape or a mapping of another ({@code from: customers} or {@code from: {jdbc: …}}). */
    record Either(Shape scalar, Shape mapping, String mappingWords) implements Shape {
        @Override
        public String describe() {
            return scalar.describe() + ", or " + mappingWords;
        }
    }

    /** A YAML boolean: true or false. */
    record Flag() implements Shape {
        @Override
        public String describe() {
            return "true or false";
        }
    }

    /** One of a few words. */
    record Choice(List<String> values) implements Shape {
        @Override
        public String describe() {
            return String.join(" | ", values);
        }
    }

    /**
     * A mapping with known keys. {@code planned} names keys that DESIGN.md describes but this version does not run;
     * they are refused with their note instead of "unknown key". {@code rule} checks the keys together once each
     * is valid (with its defaults filled in), and answers null when they fit.
     */
    record Obj(List<FieldSpec> fields, Map<String, String> planned, Function<Map<?, ?>, Violation> rule)
            implements Shape {
        Obj(List<FieldSpec> fields) {
            this(fields, Map.of(), values -> null);
        }

        Obj(List<FieldSpec> fields, Map<String, String> planned) {
            this(fields, planned, values -> null);
        }

        @Override
        public String describe() {
            return "a mapping";
        }

        FieldSpec field(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
        }

        List<String> names() {
            return fields.stream().map(FieldSpec::name).toList();
        }
    }

    /** A rule across the keys of a mapping that {@code Obj.rule} found broken: the key to blame and why. */
    record Violation(String field, String message) {
    }

    /** A mapping from field names to values of one shape, order kept, at least one entry. */
    record MapOf(Shape values) implements Shape {
        @Override
        public String describe() {
            return "a mapping of field names to " + plural(values.describe());
        }
    }

    /** A non-empty list; with {@code oneAllowed}, a single item may be written without the list. */
    record ListOf(Shape items, boolean oneAllowed) implements Shape {
        @Override
        public String describe() {
            return (oneAllowed ? items.describe() + ", or a list of them" : "a list of " + plural(items.describe()));
        }
    }

    /** A JSON Schema: the path of a schema file, or the schema itself written inline. */
    record Schema() implements Shape {
        @Override
        public String describe() {
            return "a schema file path, or an inline JSON Schema";
        }
    }

    /** The pipeline's list of steps, each one a mapping with one key: the step's kind. */
    record Steps() implements Shape {
        @Override
        public String describe() {
            return "a list of steps";
        }
    }

    private static String plural(String words) {
        return words.startsWith("a ") ? words.substring(2) + "s" : words;
    }
}
