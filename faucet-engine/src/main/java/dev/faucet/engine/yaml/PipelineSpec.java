package dev.faucet.engine.yaml;

import dev.faucet.engine.OnMissing;
import dev.faucet.engine.Step;
import dev.faucet.engine.yaml.Shape.Choice;
import dev.faucet.engine.yaml.Shape.Count;
import dev.faucet.engine.yaml.Shape.ListOf;
import dev.faucet.engine.yaml.Shape.MapOf;
import dev.faucet.engine.yaml.Shape.Obj;
import dev.faucet.engine.yaml.Shape.Span;
import dev.faucet.engine.yaml.Shape.Text;
import dev.faucet.engine.yaml.Shape.TextKind;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spec of a pipeline file: its top-level keys and one {@link StepSpec} per step. Everything a user can write in
 * a pipeline file is declared here, and only here; the parser, the JSON Schema and the docs read it.
 */
final class PipelineSpec {
    static final Text EXPRESSION = new Text(TextKind.EXPRESSION);
    static final Text TOPIC = new Text(TextKind.TOPIC);
    static final Text FIELD = new Text(TextKind.FIELD);

    static final String NOT_YET = " is planned (DESIGN.md) but this version of Faucet does not run it yet";

    static final List<StepSpec> STEPS = List.of(
            new StepSpec("validate", "Checks the record's value against a JSON Schema (draft 2020-12); a record that"
                    + " fails goes to the dead letters with every violation.",
                    new Obj(List.of(FieldSpec.required("schema", new Shape.Schema(), "The schema: a file path,"
                            + " relative to the pipeline file (`faucet pipeline deploy` inlines it), or the schema"
                            + " itself as a mapping."))),
                    "- validate: { schema: schemas/order.schema.json }",
                    v -> {
                        SchemaValue s = (SchemaValue) Values.obj(v).get("schema");
                        return new Step.Validate(s.json(), s.ref());
                    }),
            new StepSpec("filter", "Keeps the records for which the expression is true; the others are counted as"
                    + " filtered.", EXPRESSION, "- filter: \"amount > 0\"", v -> new Step.Filter((String) v)),
            new StepSpec("set", "Sets top-level fields to the values of expressions, in the order written: a later"
                    + " expression sees the fields set before it.", new MapOf(EXPRESSION),
                    "- set: { total: \"amount * 1.2\", currency: \"'EUR'\" }", v -> new Step.Set(Values.strings(v))),
            new StepSpec("map", "Replaces the whole value with the result of an expression, usually a map literal"
                    + " (a reshape).", EXPRESSION, "- map: \"{'id': id, 'total': amount * 1.2}\"",
                    v -> new Step.MapValue((String) v)),
            new StepSpec("drop", "Removes top-level fields.", new ListOf(FIELD, true),
                    "- drop: [internalNotes, debug]", v -> new Step.Drop(Values.list(v))),
            new StepSpec("enrich", "Looks the record up in a table kept from a compacted topic, or in a database"
                    + " through a local cache, and puts the value found into a field.", enrichShape(),
                    "- enrich: { from: customers, key: customerId, into: customer, onMissing: dead-letter }",
                    PipelineSpec::enrich),
            new StepSpec("route", "Sends each record to the topic of the first branch whose condition is true; a last"
                    + " branch without `when` takes the rest. Must be the last step.", new ListOf(branchShape(), false),
                    "- route:\n    - when: \"customer.tier == 'gold'\"\n      to: orders-gold\n"
                            + "    - to: orders-standard", PipelineSpec::route),
            new StepSpec("key", "Re-keys the record by the string value of an expression; the steps after it see"
                    + " records by the new key.", EXPRESSION, "- key: customerId", v -> new Step.Key((String) v)),
            new StepSpec("dedupe", "Drops a record whose key was already seen within a span of event time.",
                    new Obj(List.of(
                            FieldSpec.required("key", EXPRESSION, "The expression whose value identifies repeats."),
                            FieldSpec.required("within", new Span(true), "How long, in event time, a key is"
                                    + " remembered."))),
                    "- dedupe: { key: orderId, within: 10m }",
                    v -> new Step.Dedupe(Values.str(v, "key"), Values.duration(v, "within"))),
            new StepSpec("to", "Writes the record to a topic and passes it on to the next step, if any.", TOPIC,
                    "- to: orders-clean", v -> new Step.To((String) v)),
            new StepSpec("sink", "Delivers the record to PostgreSQL or a webhook and passes it on to the next step,"
                    + " if any. Delivery has its own retries, circuit breaker and positions (see Sinks).",
                    SinkSpec.SHAPE, "- sink:\n    postgres: { url: \"jdbc:postgresql://127.0.0.1:5432/shop\", table:"
                    + " orders, mode: upsert, key: [orderId] }", SinkSpec::build));

    /** Steps that DESIGN.md names and this version does not run, with what to tell a user who writes one. */
    static final Map<String, String> PLANNED_STEPS = Map.of(
            "aggregate", "the aggregate step" + NOT_YET,
            "join", "the join step" + NOT_YET);

    static final Obj TIME = new Obj(List.of(
            FieldSpec.optional("field", FIELD, null, "The top-level field holding the event time (RFC 3339 text or"
                    + " epoch milliseconds). Without it, the record's timestamp is the event time."),
            FieldSpec.optional("maxOutOfOrder", new Span(false), "0s", "How far the watermark trails the highest"
                    + " event time seen.")));

    static final Obj ERRORS = new Obj(List.of(
            FieldSpec.optional("retries", new Count(), "5", "Attempts after the first for a failure that may pass"
                    + " (an output that could not be written)."),
            FieldSpec.optional("backoff", new Span(false), "100ms", "The first wait between attempts; it doubles"
                    + " each time, with jitter."),
            FieldSpec.optional("maxBackoff", new Span(false), "10s", "The longest wait between attempts."),
            FieldSpec.optional("deadLetter", TOPIC, null, "The dead-letter topic. Default: `<name>.dlq`."),
            FieldSpec.optional("onFailure", new Choice(List.of("dead-letter", "fail")), "dead-letter", "After the"
                    + " retries: send the record to the dead letters and go on, or stop the pipeline at it until"
                    + " it is resumed.")),
            Map.of(), PipelineSpec::backoffWithinMax);

    static final Obj TOP = new Obj(List.of(
            FieldSpec.required("name", new Text(TextKind.NAME), "The pipeline's name: 1 to 200 of"
                    + " `a-z A-Z 0-9 . _ -`."),
            FieldSpec.optional("description", new Text(TextKind.TEXT), null, "What the pipeline is for."),
            FieldSpec.required("input", new ListOf(TOPIC, true), "The topic the pipeline reads, or a list of"
                    + " topics."),
            FieldSpec.optional("guarantee", new Choice(List.of("at-most-once", "at-least-once", "exactly-once")),
                    "exactly-once", "What the pipeline promises after a crash (see Delivery guarantees)."),
            FieldSpec.optional("time", TIME, null, "Where event time comes from."),
            FieldSpec.required("steps", new Shape.Steps(), "The steps, in order; at least one, and the last"
                    + " writes somewhere (`to`, `route` or `sink`)."),
            FieldSpec.optional("errors", ERRORS, null, "Retries and dead letters.")),
            Map.of("late", "'late' (the policy for records later than a window's grace)" + NOT_YET
                    + "; it comes with windowed aggregations"));

    private PipelineSpec() {
    }

    static StepSpec step(String kind) {
        return STEPS.stream().filter(s -> s.kind().equals(kind)).findFirst().orElse(null);
    }

    static List<String> stepKinds() {
        return STEPS.stream().map(StepSpec::kind).toList();
    }

    private static Shape.Violation backoffWithinMax(Map<?, ?> errors) {
        Duration backoff = (Duration) errors.get("backoff");
        Duration max = (Duration) errors.get("maxBackoff");
        return backoff.compareTo(max) <= 0 ? null : new Shape.Violation("maxBackoff", "maxBackoff ("
                + Durations.format(max) + ") is shorter than backoff (" + Durations.format(backoff) + ")");
    }

    // Methods, not constants: STEPS above is built first and calls them.
    private static Obj jdbcShape() {
        return new Obj(List.of(
                FieldSpec.required("url", new Text(TextKind.TEXT), "The JDBC URL:"
                        + " `jdbc:postgresql://host:port/database`."),
                FieldSpec.required("query", new Text(TextKind.TEXT), "A query with one `?`, which takes the"
                        + " key; its first"
                        + " row, as an object of its columns, is the value found."),
                FieldSpec.optional("user", new Text(TextKind.TEXT), null, "The database user; `${NAME}` takes an"
                        + " environment variable."),
                FieldSpec.optional("password", new Text(TextKind.TEXT), null, "The password; write `${NAME}` to take it"
                        + " from the environment. Never logged, never shown.")));
    }

    private static Obj cacheShape() {
        return new Obj(List.of(
                FieldSpec.optional("size", new Count(1), "100000", "Most keys kept (the least recently used go first);"
                        + " keys without a row are kept too."),
                FieldSpec.optional("ttl", new Span(true), "5m", "How long a value is used; after half of it, a lookup"
                        + " that hits it also refreshes it in the background.")));
    }

    private static Obj enrichShape() {
        return new Obj(List.of(
                FieldSpec.required("from", new Shape.Either(TOPIC, new Obj(List.of(FieldSpec.required("jdbc",
                        jdbcShape(), "A database query."))), "a database: {jdbc: {url, query}}"), "The table: a"
                        + " compacted topic,"
                        + " kept as a local table that follows it; or a database query (`{jdbc: {url, query}}`),"
                        + " looked up through a local cache."),
                FieldSpec.required("key", EXPRESSION, "The expression whose string value is looked up."),
                FieldSpec.required("into", FIELD, "The top-level field that receives the value found."),
                FieldSpec.optional("onMissing", new Choice(List.of("dead-letter", "skip", "keep")), "dead-letter",
                        "When the key is not in the table: send the record to the dead letters, drop it (counted),"
                                + " or keep it without the field."),
                FieldSpec.optional("cache", cacheShape(), null, "With a database: the local cache in front of it"
                        + " (default size 100000, ttl 5m).")),
                Map.of(), PipelineSpec::cacheNeedsDatabase);
    }

    private static Shape.Violation cacheNeedsDatabase(Map<?, ?> enrich) {
        if (enrich.get("cache") != null && !(enrich.get("from") instanceof Map)) {
            return new Shape.Violation("cache", "'cache' belongs to enriching from a database ({jdbc: …}); a table"
                    + " from a compacted topic is kept whole, not cached");
        }
        return null;
    }

    private static Obj branchShape() {
        return new Obj(List.of(
                FieldSpec.optional("when", EXPRESSION, null, "The condition; leave it out in the last branch to"
                        + " take every record no other branch took."),
                FieldSpec.required("to", TOPIC, "The topic the branch writes to.")));
    }

    private static Step enrich(Object v) {
        Map<?, ?> m = Values.obj(v);
        OnMissing onMissing = OnMissing.valueOf(Values.str(v, "onMissing").toUpperCase(Locale.ROOT).replace('-', '_'));
        if (m.get("from") instanceof Map<?, ?> from) {
            Step.Lookup.Cache cache = Step.Lookup.Cache.DEFAULT;
            if (m.get("cache") instanceof Map<?, ?> c) {
                cache = new Step.Lookup.Cache((Integer) c.get("size"), (Duration) c.get("ttl"));
            }
            return new Step.Lookup("jdbc", (com.fasterxml.jackson.databind.node.ObjectNode) SinkSpec.json(
                    from.get("jdbc")), (String) m.get("key"), (String) m.get("into"), onMissing, cache);
        }
        return new Step.Enrich((String) m.get("from"), (String) m.get("key"), (String) m.get("into"), onMissing);
    }

    private static Step route(Object v) {
        return new Step.Route(Values.items(v).stream().map(PipelineSpec::branch).toList());
    }

    private static Step.Route.Branch branch(Object b) {
        return new Step.Route.Branch(Values.str(b, "when"), Values.str(b, "to"));
    }
}
