package dev.faucet.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pipeline's logical plan: its name, input topics, guarantee, event time, steps and error policy. YAML files
 * ({@code PipelineYaml}) and the Java DSL ({@link #from}) build the same plan.
 *
 * <pre>{@code
 * Pipeline p = Pipeline.from("orders")
 *         .filter("amount > 0")
 *         .enrich("customers", "customerId", "customer", OnMissing.DEAD_LETTER)
 *         .set("total", "amount * (1.0 + customer.taxRate)")
 *         .route(r -> r.when("customer.tier == 'gold'", "orders-gold").otherwise("orders-standard"))
 *         .build("orders-routing");
 * }</pre>
 *
 * <p>{@code version} identifies the definition: the hash of the YAML file as deployed, or of the plan for the DSL, so
 * deploying the same definition twice changes nothing.
 */
public record Pipeline(String name, List<String> inputs, Guarantee guarantee, EventTime time, List<Step> steps,
        ErrorPolicy errors, String source, String version, Origin origin) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    public Pipeline {
        Objects.requireNonNull(name, "name");
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(guarantee, "guarantee");
        Objects.requireNonNull(time, "time");
        steps = List.copyOf(steps);
        Objects.requireNonNull(errors, "errors");
        origin = origin == null ? Origin.NONE : origin;
        List<InvalidPipelineException.Problem> problems = new ArrayList<>();
        for (InvalidPipelineException.Problem p : check(name, inputs, steps, errors)) {
            problems.add(origin.problem(p.field(), p.message()));
        }
        if (!problems.isEmpty()) {
            throw new InvalidPipelineException(problems);
        }
        if (version == null) {
            version = hash(source != null ? source : name + inputs + guarantee + time + steps + errors);
        }
    }

    /** A problem with a field of this pipeline, placed at its file and line when it came from a file. */
    public InvalidPipelineException.Problem problem(String field, String message) {
        return origin.problem(field, message);
    }

    /** The consumer group whose offsets are this pipeline's positions in its inputs. */
    public String group() {
        return "__faucet.pipeline." + name;
    }

    public String deadLetterTopic() {
        return errors.deadLetterTopic(name);
    }

    /** Every topic the pipeline writes to (not counting dead letters), in step order. */
    public List<String> outputTopics() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof Step.To to) {
                out.add(to.topic());
            } else if (s instanceof Step.Route r) {
                r.branches().forEach(b -> out.add(b.to()));
            }
        }
        return out.stream().distinct().toList();
    }

    /** The tables (compacted topics) the pipeline's enrich steps read. */
    public List<String> tables() {
        return steps.stream().filter(Step.Enrich.class::isInstance).map(s -> ((Step.Enrich) s).from()).distinct()
                .toList();
    }

    /** A sink's name: the one given, or its step's id ({@code sink#4}). It keys the sink's stored positions. */
    public static String sinkName(int index, Step.Deliver step) {
        return step.name() != null ? step.name() : stepId(index, step);
    }

    /** The sinks of the pipeline by step index. */
    public Map<Integer, Step.Deliver> sinks() {
        Map<Integer, Step.Deliver> out = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Deliver d) {
                out.put(i, d);
            }
        }
        return out;
    }

    /** A step's name in status, metrics and dead letters: its kind and 1-based position, e.g. {@code filter#2}. */
    public static String stepId(int index, Step step) {
        return step.kind() + "#" + (index + 1);
    }

    private static List<InvalidPipelineException.Problem> check(String name, List<String> inputs, List<Step> steps,
            ErrorPolicy errors) {
        List<InvalidPipelineException.Problem> p = new ArrayList<>();
        if (!NAME.matcher(name).matches()) {
            p.add(unplaced("name", "'" + name + "' is not a pipeline name: 1 to 200 of a-z A-Z 0-9 . _ -"));
        }
        if (inputs.isEmpty()) {
            p.add(unplaced("input", "a pipeline reads at least one topic"));
        }
        for (String in : inputs) {
            if (in.startsWith("__faucet.")) {
                p.add(unplaced("input", "'" + in + "' is an internal topic"));
            }
        }
        if (steps.isEmpty()) {
            p.add(unplaced("steps", "a pipeline has at least one step"));
        }
        boolean writes = false;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s instanceof Step.Route && i != steps.size() - 1) {
                p.add(unplaced("steps[" + i + "].route", "route sends records on to topics, so it must be the last"
                        + " step"));
            }
            if (s instanceof Step.Route r) {
                writes = true;
                for (int b = 0; b < r.branches().size() - 1; b++) {
                    if (r.branches().get(b).when() == null) {
                        p.add(unplaced("steps[" + i + "].route[" + b + "]", "only the last branch may be the default"
                                + " (a branch without 'when'); the branches after it would never be taken"));
                    }
                }
            }
            if (s instanceof Step.To || s instanceof Step.Deliver) {
                writes = true;
            }
            for (String topic : topicsOf(s)) {
                if (topic.startsWith("__faucet.")) {
                    p.add(unplaced("steps[" + i + "]." + s.kind(), "'" + topic + "' is an internal topic"));
                }
                if (inputs.contains(topic)) {
                    p.add(unplaced("steps[" + i + "]." + s.kind(), "'" + topic + "' is also an input of this pipeline;"
                            + " writing to it would feed the pipeline its own output"));
                }
            }
        }
        if (!steps.isEmpty() && !writes) {
            p.add(unplaced("steps", "the pipeline writes nowhere: end it with 'to', 'route' or 'sink'"));
        }
        java.util.Set<String> sinkNames = new java.util.HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Deliver d && !sinkNames.add(sinkName(i, d))) {
                p.add(unplaced("steps[" + i + "].sink.name", "another sink of this pipeline is also named '"
                        + sinkName(i, d) + "'; a sink's name keys its stored positions, so each must be unique"));
            }
        }
        if (errors.deadLetter() != null && inputs.contains(errors.deadLetter())) {
            p.add(unplaced("errors.deadLetter", "the dead-letter topic cannot be an input of the pipeline"));
        }
        return p;
    }

    private static List<String> topicsOf(Step s) {
        if (s instanceof Step.To to) {
            return List.of(to.topic());
        }
        if (s instanceof Step.Route r) {
            return r.branches().stream().map(Step.Route.Branch::to).toList();
        }
        return List.of();
    }

    private static InvalidPipelineException.Problem unplaced(String field, String message) {
        return new InvalidPipelineException.Problem(null, 0, field, message);
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a pipeline in the Java DSL, reading the given topics. */
    public static Builder from(String... inputs) {
        return new Builder(List.of(inputs));
    }

    /** The Java DSL. Not thread-safe. */
    public static final class Builder {
        private final List<String> inputs;
        private final List<Step> steps = new ArrayList<>();
        private Guarantee guarantee = Guarantee.EXACTLY_ONCE;
        private EventTime time = EventTime.RECORD_TIMESTAMP;
        private ErrorPolicy errors = ErrorPolicy.DEFAULTS;

        private Builder(List<String> inputs) {
            this.inputs = inputs;
        }

        public Builder guarantee(Guarantee g) {
            this.guarantee = g;
            return this;
        }

        public Builder time(String field, Duration maxOutOfOrder) {
            this.time = new EventTime(field, maxOutOfOrder);
            return this;
        }

        public Builder errors(ErrorPolicy policy) {
            this.errors = policy;
            return this;
        }

        public Builder step(Step step) {
            steps.add(step);
            return this;
        }

        public Builder validate(String schemaJson) {
            return step(new Step.Validate(schemaJson, null));
        }

        public Builder filter(String expression) {
            return step(new Step.Filter(expression));
        }

        public Builder set(String field, String expression) {
            return step(new Step.Set(Map.of(field, expression)));
        }

        /** Several fields in one step, in the order given. */
        public Builder set(LinkedHashMap<String, String> fields) {
            return step(new Step.Set(fields));
        }

        public Builder map(String expression) {
            return step(new Step.MapValue(expression));
        }

        public Builder drop(String... fields) {
            return step(new Step.Drop(List.of(fields)));
        }

        public Builder enrich(String table, String key, String into, OnMissing onMissing) {
            return step(new Step.Enrich(table, key, into, onMissing));
        }

        public Builder key(String expression) {
            return step(new Step.Key(expression));
        }

        public Builder dedupe(String key, Duration within) {
            return step(new Step.Dedupe(key, within));
        }

        public Builder to(String topic) {
            return step(new Step.To(topic));
        }

        /** A sink of {@code type} ({@code postgres}, {@code webhook}) with its settings (durations in ms). */
        public Builder sink(String type, com.fasterxml.jackson.databind.node.ObjectNode settings) {
            return step(new Step.Deliver(null, type, settings));
        }

        public Builder route(java.util.function.Consumer<Routes> branches) {
            Routes r = new Routes();
            branches.accept(r);
            return step(new Step.Route(r.branches));
        }

        public Pipeline build(String name) {
            return new Pipeline(name, inputs, guarantee, time, steps, errors, null, null, Origin.NONE);
        }
    }

    /**
     * Where a definition came from: a file name (null for the DSL or a posted body) and the 1-based line of each
     * field path ({@code steps[2].filter}, {@code steps[4].route[0].when}), so that problems found after parsing
     * (an expression that does not compile, a missing topic) still name file and line.
     */
    public record Origin(String file, Map<String, Integer> lines) {
        public static final Origin NONE = new Origin(null, Map.of());

        public Origin {
            lines = Map.copyOf(lines);
        }

        /** A problem at {@code field}, with the line of the field or of its nearest enclosing field. */
        public InvalidPipelineException.Problem problem(String field, String message) {
            String f = field == null ? "" : field;
            while (true) {
                Integer line = lines.get(f);
                if (line != null) {
                    return new InvalidPipelineException.Problem(file, line, field, message);
                }
                int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
                if (cut <= 0) {
                    return new InvalidPipelineException.Problem(file, 0, field, message);
                }
                f = f.substring(0, cut);
            }
        }
    }

    /** The branches of a {@code route} step in the DSL. */
    public static final class Routes {
        private final List<Step.Route.Branch> branches = new ArrayList<>();

        public Routes when(String condition, String topic) {
            branches.add(new Step.Route.Branch(condition, topic));
            return this;
        }

        public Routes otherwise(String topic) {
            branches.add(new Step.Route.Branch(null, topic));
            return this;
        }
    }
}
