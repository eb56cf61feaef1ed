package dev.faucet.engine.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.EventTime;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.OnMissing;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's plan as JSON, for the registry topic: what a restart deploys again. The YAML source (when there is
 * one) is kept beside it for people, and the version is kept as it was, so a restart changes no version.
 */
final class PlanCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanCodec() {
    }

    static ObjectNode encode(Pipeline p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", p.name());
        o.put("version", p.version());
        ArrayNode in = o.putArray("inputs");
        p.inputs().forEach(in::add);
        o.put("guarantee", p.guarantee().name());
        o.put("timeField", p.time().field());
        o.put("maxOutOfOrderMs", p.time().maxOutOfOrder().toMillis());
        ObjectNode e = o.putObject("errors");
        e.put("retries", p.errors().retries());
        e.put("backoffMs", p.errors().backoff().toMillis());
        e.put("maxBackoffMs", p.errors().maxBackoff().toMillis());
        e.put("deadLetter", p.errors().deadLetter());
        e.put("onFailure", p.errors().onFailure().name());
        ArrayNode steps = o.putArray("steps");
        for (Step s : p.steps()) {
            ObjectNode so = steps.addObject();
            so.put("kind", s.kind());
            switch (s) {
                case Step.Validate v -> so.put("schema", v.schemaJson()).put("ref", v.schemaRef());
                case Step.Filter f -> so.put("expr", f.expression());
                case Step.MapValue m -> so.put("expr", m.expression());
                case Step.Key k -> so.put("expr", k.expression());
                case Step.Set set -> {
                    ObjectNode f = so.putObject("fields");
                    set.fields().forEach(f::put);
                }
                case Step.Drop d -> {
                    ArrayNode f = so.putArray("fields");
                    d.fields().forEach(f::add);
                }
                case Step.Enrich en -> so.put("from", en.from()).put("key", en.key()).put("into", en.into())
                        .put("onMissing", en.onMissing().name());
                case Step.Lookup l -> {
                    so.put("key", l.key()).put("into", l.into()).put("onMissing", l.onMissing().name())
                            .put("lookup", l.type()).put("cacheSize", l.cache().size())
                            .put("cacheTtlMs", l.cache().ttl().toMillis());
                    so.set("settings", l.settings());
                }
                case Step.Dedupe d -> so.put("key", d.key()).put("withinMs", d.within().toMillis());
                case Step.To t -> so.put("topic", t.topic());
                case Step.Deliver d -> {
                    so.put("name", d.name()).put("type", d.type());
                    so.set("settings", d.settings());
                }
                case Step.Route r -> {
                    ArrayNode b = so.putArray("branches");
                    r.branches().forEach(br -> b.addObject().put("when", br.when()).put("to", br.to()));
                }
            }
        }
        o.put("source", p.source());
        return o;
    }

    static Pipeline decode(JsonNode o) {
        List<String> inputs = new ArrayList<>();
        o.get("inputs").forEach(n -> inputs.add(n.asText()));
        JsonNode e = o.get("errors");
        ErrorPolicy errors = new ErrorPolicy(e.get("retries").asInt(), Duration.ofMillis(e.get("backoffMs").asLong()),
                Duration.ofMillis(e.get("maxBackoffMs").asLong()), text(e, "deadLetter"),
                ErrorPolicy.OnFailure.valueOf(e.get("onFailure").asText()));
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : o.get("steps")) {
            steps.add(step(s));
        }
        return new Pipeline(o.get("name").asText(), inputs, Guarantee.valueOf(o.get("guarantee").asText()),
                new EventTime(text(o, "timeField"), Duration.ofMillis(o.get("maxOutOfOrderMs").asLong())), steps,
                errors, text(o, "source"), o.get("version").asText(), Pipeline.Origin.NONE);
    }

    private static Step step(JsonNode s) {
        return switch (s.get("kind").asText()) {
            case "validate" -> new Step.Validate(s.get("schema").asText(), text(s, "ref"));
            case "filter" -> new Step.Filter(s.get("expr").asText());
            case "map" -> new Step.MapValue(s.get("expr").asText());
            case "key" -> new Step.Key(s.get("expr").asText());
            case "set" -> {
                Map<String, String> f = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> en : s.get("fields").properties()) {
                    f.put(en.getKey(), en.getValue().asText());
                }
                yield new Step.Set(f);
            }
            case "drop" -> {
                List<String> f = new ArrayList<>();
                s.get("fields").forEach(n -> f.add(n.asText()));
                yield new Step.Drop(f);
            }
            case "enrich" -> s.has("lookup") ? lookup(s) : new Step.Enrich(s.get("from").asText(),
                    s.get("key").asText(), s.get("into").asText(), OnMissing.valueOf(s.get("onMissing").asText()));
            case "dedupe" -> new Step.Dedupe(s.get("key").asText(), Duration.ofMillis(s.get("withinMs").asLong()));
            case "to" -> new Step.To(s.get("topic").asText());
            case "sink" -> new Step.Deliver(text(s, "name"), s.get("type").asText(), (ObjectNode) s.get("settings"));
            case "route" -> {
                List<Step.Route.Branch> b = new ArrayList<>();
                s.get("branches").forEach(n -> b.add(new Step.Route.Branch(text(n, "when"), n.get("to").asText())));
                yield new Step.Route(b);
            }
            default -> throw new IllegalArgumentException("unknown step kind '" + s.get("kind").asText()
                    + "' in the pipeline registry");
        };
    }

    private static Step lookup(JsonNode s) {
        return new Step.Lookup(s.get("lookup").asText(), (ObjectNode) s.get("settings"), s.get("key").asText(),
                s.get("into").asText(), OnMissing.valueOf(s.get("onMissing").asText()), new Step.Lookup.Cache(
                s.get("cacheSize").asLong(), Duration.ofMillis(s.get("cacheTtlMs").asLong())));
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
