package dev.faucet.engine.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.OnMissing;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.Step;
import dev.faucet.engine.expr.EvaluationException;
import dev.faucet.engine.expr.Expression;
import dev.faucet.engine.expr.ExpressionException;
import dev.faucet.engine.expr.SchemaCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A pipeline's steps compiled once per deployment: expressions and schemas. Compiling collects every problem (with
 * the field path, and file and line when the pipeline came from a file) into one {@link InvalidPipelineException}.
 * {@link #runs} then binds the compiled steps of one stage to one task's tables and state.
 */
final class CompiledPipeline {
    final Pipeline pipeline;
    private final Map<Integer, Object> compiled = new LinkedHashMap<>();

    private CompiledPipeline(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    static CompiledPipeline compile(Pipeline p) {
        CompiledPipeline c = new CompiledPipeline(p);
        List<InvalidPipelineException.Problem> problems = new ArrayList<>();
        for (int i = 0; i < p.steps().size(); i++) {
            String at = "steps[" + i + "]." + p.steps().get(i).kind();
            try {
                c.compiled.put(i, c.compileStep(i, p.steps().get(i), at, problems));
            } catch (RuntimeException e) {
                problems.add(p.problem(at, e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPipelineException(problems);
        }
        return c;
    }

    private Object compileStep(int i, Step s, String at, List<InvalidPipelineException.Problem> problems) {
        return switch (s) {
            case Step.Validate v -> {
                try {
                    yield SchemaCheck.compile(v.schemaJson());
                } catch (IllegalArgumentException e) {
                    problems.add(pipeline.problem(at + ".schema", "the schema " + (v.schemaRef() == null ? ""
                            : "'" + v.schemaRef() + "' ") + "is not usable: " + e.getMessage()));
                    yield null;
                }
            }
            case Step.Filter f -> expr(f.expression(), at, problems);
            case Step.MapValue m -> expr(m.expression(), at, problems);
            case Step.Key k -> expr(k.expression(), at, problems);
            case Step.Set set -> {
                Map<String, Expression> fields = new LinkedHashMap<>();
                set.fields().forEach((f, e) -> fields.put(f, expr(e, at + "." + f, problems)));
                yield fields;
            }
            case Step.Enrich e -> expr(e.key(), at + ".key", problems);
            case Step.Lookup l -> expr(l.key(), at + ".key", problems);
            case Step.Dedupe d -> expr(d.key(), at + ".key", problems);
            case Step.Route r -> {
                List<Expression> conditions = new ArrayList<>();
                for (int b = 0; b < r.branches().size(); b++) {
                    String when = r.branches().get(b).when();
                    String field = "steps[" + i + "].route[" + b + "].when";
                    conditions.add(when == null ? null : expr(when, field, problems));
                }
                yield conditions;
            }
            case Step.Drop d -> d.fields();
            case Step.To t -> t.topic();
            case Step.Deliver d -> Stage.sinkTopic(pipeline.name(), i);
        };
    }

    private Expression expr(String source, String at, List<InvalidPipelineException.Problem> problems) {
        try {
            return Expression.compile(source);
        } catch (ExpressionException e) {
            problems.add(pipeline.problem(at, "'" + source + "': " + e.getMessage()));
            return null;
        }
    }

    /**
     * The runs of steps {@code from} (inclusive) to {@code to} (exclusive) for one task. {@code tables} gives the
     * table of a topic; {@code dedupe} gives the task's state of a dedupe step (by step index).
     */
    List<StepRun> runs(int from, int to, Function<String, Table> tables, Function<Integer, DedupeState> dedupe,
            Function<Integer, LookupCache> lookups) {
        List<StepRun> runs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            runs.add(run(i, pipeline.steps().get(i), compiled.get(i), tables, dedupe, lookups));
        }
        return runs;
    }

    @SuppressWarnings("unchecked")
    private StepRun run(int i, Step s, Object c, Function<String, Table> tables,
            Function<Integer, DedupeState> dedupe, Function<Integer, LookupCache> lookups) {
        return switch (s) {
            case Step.Validate v -> validate((SchemaCheck) c);
            case Step.Filter f -> filter((Expression) c);
            case Step.Set set -> set((Map<String, Expression>) c);
            case Step.MapValue m -> (r, fx) -> {
                r.value = eval(() -> ((Expression) c).evaluateJson(r.context()));
                r.changed = true;
                return true;
            };
            case Step.Drop d -> (r, fx) -> {
                ObjectNode o = object(r);
                d.fields().forEach(o::remove);
                return true;
            };
            case Step.Enrich e -> {
                Table table = tables.apply(e.from());
                yield enrich(e.onMissing(), e.into(), (Expression) c, table::get, "table '" + e.from() + "'");
            }
            case Step.Lookup l -> {
                LookupCache cache = lookups.apply(i);
                yield enrich(l.onMissing(), l.into(), (Expression) c, k -> lookup(cache, k), "the " + l.type()
                        + " lookup");
            }
            case Step.Key k -> (r, fx) -> {
                r.key = eval(() -> ((Expression) c).evaluateString(r.context()));
                fx.repartition(r);
                return false;
            };
            case Step.Dedupe d -> dedupe((Expression) c, dedupe.apply(i));
            case Step.To t -> (r, fx) -> {
                fx.emit(t.topic(), r);
                return true;
            };
            case Step.Route route -> route(route, (List<Expression>) c);
            case Step.Deliver d -> {
                int batch = (int) d.config().number("batch", 1);
                yield (r, fx) -> {
                    fx.deliver((String) c, batch, r);
                    return true;
                };
            }
        };
    }

    private static StepRun validate(SchemaCheck schema) {
        return (r, fx) -> {
            List<String> violations = schema.violations(r.value);
            if (!violations.isEmpty()) {
                throw new StepRun.StepFailure(Outcome.permanent(Outcome.SCHEMA_INVALID, String.join("; ",
                        violations)));
            }
            return true;
        };
    }

    private static StepRun filter(Expression e) {
        return (r, fx) -> {
            if (eval(() -> e.test(r.context()))) {
                return true;
            }
            fx.drop("filtered");
            return false;
        };
    }

    private static StepRun set(Map<String, Expression> fields) {
        return (r, fx) -> {
            for (Map.Entry<String, Expression> f : fields.entrySet()) {
                JsonNode v = eval(() -> f.getValue().evaluateJson(r.context()));
                object(r).set(f.getKey(), v);
            }
            return true;
        };
    }

    private static JsonNode lookup(LookupCache cache, String key) {
        if (key == null) {
            return null;
        }
        try {
            return cache.get(key);
        } catch (dev.faucet.engine.Lookup.LookupException e) {
            throw new StepRun.StepFailure(new Outcome(Outcome.LOOKUP_FAILED, e.getMessage(), e.retryable()));
        }
    }

    /** Puts the row that {@code source} has for the key into {@code into}; {@code where} names the source. */
    private static StepRun enrich(OnMissing onMissing, String into, Expression key, Function<String, JsonNode> source,
            String where) {
        return (r, fx) -> {
            String k = eval(() -> key.evaluateString(r.context()));
            JsonNode row = source.apply(k);
            if (row == null) {
                switch (onMissing) {
                    case DEAD_LETTER -> throw new StepRun.StepFailure(Outcome.permanent(Outcome.ENRICH_MISSING,
                            "no row with key " + (k == null ? "null" : "'" + k + "'") + " in " + where));
                    case SKIP -> {
                        fx.drop(Outcome.ENRICH_MISSING);
                        return false;
                    }
                    case KEEP -> {
                        return true;
                    }
                }
            }
            // Shared, not copied: a table row is replaced, never changed, and steps change only top-level fields.
            object(r).set(into, row);
            return true;
        };
    }

    private static StepRun dedupe(Expression key, DedupeState state) {
        return (r, fx) -> {
            String k = eval(() -> key.evaluateString(r.context()));
            if (k == null) {
                return true;
            }
            if (state.isDuplicate(k, r.eventTimeMs)) {
                fx.drop("duplicate");
                return false;
            }
            fx.state(state, k, r.eventTimeMs);
            return true;
        };
    }

    private static StepRun route(Step.Route route, List<Expression> conditions) {
        return (r, fx) -> {
            for (int b = 0; b < conditions.size(); b++) {
                Expression when = conditions.get(b);
                if (when == null || eval(() -> when.test(r.context()))) {
                    fx.emit(route.branches().get(b).to(), r);
                    return false;
                }
            }
            fx.drop("no-route");
            return false;
        };
    }

    /** The value as an object, for a step that changes it (the record is marked changed). */
    static ObjectNode object(Rec r) {
        if (r.value instanceof ObjectNode o) {
            r.changed = true;
            return o;
        }
        throw new StepRun.StepFailure(Outcome.permanent(Outcome.NOT_AN_OBJECT, "the value is "
                + r.value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not a JSON object"));
    }

    private static <T> T eval(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (EvaluationException e) {
            throw new StepRun.StepFailure(Outcome.permanent(Outcome.EXPRESSION_ERROR, e.getMessage()));
        }
    }
}
