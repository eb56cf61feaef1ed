package dev.faucet.engine.yaml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.Step;
import dev.faucet.engine.yaml.Shape.Choice;
import dev.faucet.engine.yaml.Shape.Count;
import dev.faucet.engine.yaml.Shape.Flag;
import dev.faucet.engine.yaml.Shape.ListOf;
import dev.faucet.engine.yaml.Shape.MapOf;
import dev.faucet.engine.yaml.Shape.Obj;
import dev.faucet.engine.yaml.Shape.Span;
import dev.faucet.engine.yaml.Shape.Text;
import dev.faucet.engine.yaml.Shape.TextKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code sink} step's shape: one sink type per step, each with its settings. The shapes are the contract of
 * pipeline files (DESIGN.md); the connectors that run them are found at deploy through the engine's SinkProvider.
 */
final class SinkSpec {
    private static final Text TEXT = new Text(TextKind.TEXT);
    private static final List<String> TYPES = List.of("postgres", "webhook", "kafka");

    static final Obj POSTGRES = new Obj(List.of(
            FieldSpec.required("url", TEXT, "The JDBC URL: `jdbc:postgresql://host:port/database`."),
            FieldSpec.required("table", TEXT, "The table, optionally with its schema (`shop.orders`). Each column"
                    + " takes the record's top-level field of the same name; fields without a column are ignored."),
            FieldSpec.optional("mode", new Choice(List.of("insert", "upsert")), "insert", "`insert` adds a row per"
                    + " record; `upsert` inserts or updates the row with the record's `key` columns."),
            FieldSpec.optional("key", new ListOf(PipelineSpec.FIELD, true), null, "The key columns of an upsert (a"
                    + " primary key or unique constraint of the table)."),
            FieldSpec.optional("user", TEXT, null, "The database user; `${NAME}` takes an environment variable."),
            FieldSpec.optional("password", TEXT, null, "The password; write `${NAME}` to take it from the"
                    + " environment. Never logged, never shown."),
            FieldSpec.optional("createTable", new MapOf(TEXT), null, "Columns and their SQL types (`{ id: text,"
                    + " amount: numeric }`): the table is created with them when it does not exist."),
            FieldSpec.optional("batch", new Count(1), "1000", "Most rows written in one transaction (one connection"
                    + " per partition of the pipeline's input).")),
            Map.of(), SinkSpec::upsertNeedsKey);

    static final Obj WEBHOOK = new Obj(List.of(
            FieldSpec.required("url", TEXT, "The endpoint; each delivery is a POST of JSON."),
            FieldSpec.optional("timeout", new Span(true), "10s", "How long one request may take."),
            FieldSpec.optional("concurrency", new Count(1), "8", "Most requests in flight per partition."),
            FieldSpec.optional("batch", new Count(1), "1", "Records per request: 1 POSTs each record's value;"
                    + " more POSTs a JSON array of `{id, key, value, headers, timestamp}` under one Idempotency-Key."),
            FieldSpec.optional("ordered", new Flag(), "false", "Deliver the records of a key one after another, in"
                    + " order (a record waits until the one before it with its key is delivered)."),
            FieldSpec.optional("secret", TEXT, null, "Signs each body: `Faucet-Signature: t=<unix seconds>,"
                    + "v1=<hex HMAC-SHA256 of \"<t>.<body>\">`. `${NAME}` takes an environment variable."),
            FieldSpec.optional("headers", new MapOf(TEXT), null, "Extra request headers (`${NAME}` allowed in"
                    + " values).")));

    static final Obj KAFKA = new Obj(List.of(
            FieldSpec.required("bootstrap", TEXT, "The cluster's brokers: `host:port`, or several separated by"
                    + " commas."),
            FieldSpec.required("topic", PipelineSpec.TOPIC, "The Kafka topic written to; it must exist."),
            FieldSpec.optional("positionsTopic", PipelineSpec.TOPIC, "faucet-sink-offsets", "The compacted topic"
                    + " where the sink keeps its positions, written in each batch's transaction (made when"
                    + " missing)."),
            FieldSpec.optional("properties", new MapOf(TEXT), null, "More Kafka client settings (security,"
                    + " compression, timeouts); not the ones exactly-once depends on.")));

    static final Obj BREAKER = new Obj(List.of(
            FieldSpec.optional("failures", new Count(1), "5", "Failed attempts in a row that open the breaker."),
            FieldSpec.optional("pause", new Span(true), "30s", "How long an open breaker holds delivery before one"
                    + " attempt tries the target again.")));

    static final Obj SHAPE = new Obj(List.of(
            FieldSpec.optional("name", new Text(TextKind.NAME), null, "The sink's name in status and metrics; it keys"
                    + " the positions the sink stores. Default: `sink#N` after the step."),
            FieldSpec.optional("postgres", POSTGRES, null, "Rows in a PostgreSQL table (one of `postgres`,"
                    + " `webhook`, `kafka`)."),
            FieldSpec.optional("webhook", WEBHOOK, null, "POSTs to an HTTP endpoint (one of `postgres`,"
                    + " `webhook`, `kafka`)."),
            FieldSpec.optional("kafka", KAFKA, null, "Records in a topic of an external Kafka cluster, each batch in"
                    + " a Kafka transaction (one of `postgres`, `webhook`, `kafka`)."),
            FieldSpec.optional("breaker", BREAKER, null, "The circuit breaker that pauses delivery while the target"
                    + " is failing.")),
            Map.of(), SinkSpec::oneType);

    private SinkSpec() {
    }

    private static Shape.Violation oneType(Map<?, ?> sink) {
        List<String> given = TYPES.stream().filter(sink::containsKey).toList();
        if (given.size() == 1) {
            return null;
        }
        return new Shape.Violation(given.isEmpty() ? "" : given.get(1), given.isEmpty()
                ? "a sink needs its type: one of " + String.join(", ", TYPES)
                : "a sink step has one type; write another sink step for '" + given.get(1) + "'");
    }

    private static Shape.Violation upsertNeedsKey(Map<?, ?> pg) {
        if ("upsert".equals(pg.get("mode")) && pg.get("key") == null) {
            return new Shape.Violation("mode", "mode upsert needs 'key': the columns that identify a row");
        }
        return null;
    }

    static Step build(Object v) {
        Map<?, ?> m = Values.obj(v);
        String type = TYPES.stream().filter(m::containsKey).findFirst().orElseThrow();
        ObjectNode settings = (ObjectNode) json(m.get(type));
        if (m.get("breaker") != null) {
            settings.set("breaker", json(m.get("breaker")));
        }
        return new Step.Deliver((String) m.get("name"), type, settings);
    }

    /** A checked value as JSON: durations as milliseconds. */
    static com.fasterxml.jackson.databind.JsonNode json(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v) {
            case null -> f.nullNode();
            case Map<?, ?> map -> {
                ObjectNode o = f.objectNode();
                map.forEach((k, x) -> o.set((String) k, json(x)));
                yield o;
            }
            case List<?> list -> {
                ArrayNode a = f.arrayNode();
                list.forEach(x -> a.add(json(x)));
                yield a;
            }
            case Duration d -> f.numberNode(d.toMillis());
            case Integer i -> f.numberNode(i);
            case Boolean b -> f.booleanNode(b);
            default -> f.textNode(v.toString());
        };
    }
}
