package dev.faucet.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a pipeline's logical plan. YAML files and the Java DSL build the same steps; each runtime executes them.
 * Expressions are CEL source text, compiled once per deployment; they see the record's top-level fields as variables,
 * and {@code key}, {@code headers} and {@code timestamp}.
 */
public sealed interface Step {

    /** The step's kind as YAML spells it. */
    String kind();

    /** JSON Schema (draft 2020-12) check; a record that fails goes to the dead letters with every violation. */
    record Validate(String schemaJson, String schemaRef) implements Step {
        public Validate {
            Objects.requireNonNull(schemaJson, "schemaJson");
        }

        @Override
        public String kind() {
            return "validate";
        }
    }

    /** Keeps the records for which the CEL expression is true; the others are counted as filtered. */
    record Filter(String expression) implements Step {
        public Filter {
            Objects.requireNonNull(expression, "expression");
        }

        @Override
        public String kind() {
            return "filter";
        }
    }

    /** Sets top-level fields to the values of CEL expressions, in order (a later one sees the earlier ones). */
    record Set(Map<String, String> fields) implements Step {
        public Set {
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("set needs at least one field");
            }
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        @Override
        public String kind() {
            return "set";
        }
    }

    /** Replaces the value with the result of a CEL expression (usually a map literal: a reshape). */
    record MapValue(String expression) implements Step {
        public MapValue {
            Objects.requireNonNull(expression, "expression");
        }

        @Override
        public String kind() {
            return "map";
        }
    }

    /** Removes top-level fields. */
    record Drop(List<String> fields) implements Step {
        public Drop {
            fields = List.copyOf(fields);
        }

        @Override
        public String kind() {
            return "drop";
        }
    }

    /**
     * Looks the record up in a table kept from a compacted topic ({@code from}), by the string value of the CEL
     * expression {@code key}, and puts the table's value into the field {@code into}.
     */
    record Enrich(String from, String key, String into, OnMissing onMissing) implements Step {
        public Enrich {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(into, "into");
            Objects.requireNonNull(onMissing, "onMissing");
        }

        @Override
        public String kind() {
            return "enrich";
        }
    }

    /**
     * Looks the record up in an external source ({@code type}: {@code jdbc}) by the string value of the CEL
     * expression {@code key}, through a local cache of at most {@code cacheSize} keys kept for {@code cacheTtl}, and
     * puts the row found into the field {@code into}. YAML writes it as {@code enrich} with {@code from: {jdbc: …}}.
     */
    record Lookup(String type, com.fasterxml.jackson.databind.node.ObjectNode settings, String key, String into,
            OnMissing onMissing, Cache cache) implements Step {
        public Lookup {
            Objects.requireNonNull(type, "type");
            settings = settings.deepCopy();
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(into, "into");
            Objects.requireNonNull(onMissing, "onMissing");
            Objects.requireNonNull(cache, "cache");
        }

        @Override
        public String kind() {
            return "enrich";
        }

        public ConnectorConfig config() {
            return new ConnectorConfig(type, settings);
        }

        /** The lookup cache: at most {@code size} keys, each kept {@code ttl} (refreshed ahead after half of it). */
        public record Cache(long size, Duration ttl) {
            public static final Cache DEFAULT = new Cache(100_000, Duration.ofMinutes(5));

            public Cache {
                if (size < 1 || ttl.isNegative() || ttl.isZero()) {
                    throw new IllegalArgumentException("a lookup cache needs a size of at least 1 and a positive ttl");
                }
            }
        }
    }

    /** Sends each record to the first branch whose condition holds; a branch without one is the default. */
    record Route(List<Branch> branches) implements Step {
        public Route {
            branches = List.copyOf(branches);
            if (branches.isEmpty()) {
                throw new IllegalArgumentException("route needs at least one branch");
            }
        }

        @Override
        public String kind() {
            return "route";
        }

        /** {@code when} is null for the default branch. */
        public record Branch(String when, String to) {
            public Branch {
                Objects.requireNonNull(to, "to");
            }
        }
    }

    /** Re-keys the record by the string value of a CEL expression; the steps after it see records by the new key. */
    record Key(String expression) implements Step {
        public Key {
            Objects.requireNonNull(expression, "expression");
        }

        @Override
        public String kind() {
            return "key";
        }
    }

    /** Drops a record whose key (a CEL expression) was seen within {@code within} of event time before it. */
    record Dedupe(String key, Duration within) implements Step {
        public Dedupe {
            Objects.requireNonNull(key, "key");
            if (within.isNegative() || within.isZero()) {
                throw new IllegalArgumentException("dedupe needs a positive 'within'");
            }
        }

        @Override
        public String kind() {
            return "dedupe";
        }
    }

    /** Writes the record to a topic and passes it on to the next step, if any. */
    record To(String topic) implements Step {
        public To {
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String kind() {
            return "to";
        }
    }

    /**
     * Delivers the record to an external system ({@code type}: {@code postgres}, {@code webhook}) and passes it on
     * to the next step, if any. The record is queued in the pipeline's commit (an internal topic) and delivered from
     * there by the sink's own tasks, so a slow or failing target holds back only its own delivery.
     *
     * @param name the sink's name in the pipeline, or null for {@code sink#N} after its step
     * @param settings the sink's settings, checked against its type's shape (durations in milliseconds)
     */
    record Deliver(String name, String type, com.fasterxml.jackson.databind.node.ObjectNode settings) implements Step {
        public Deliver {
            Objects.requireNonNull(type, "type");
            settings = settings.deepCopy();
        }

        @Override
        public String kind() {
            return "sink";
        }

        public ConnectorConfig config() {
            return new ConnectorConfig(type, settings);
        }
    }
}
