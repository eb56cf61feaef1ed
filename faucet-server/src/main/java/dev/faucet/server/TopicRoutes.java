package dev.faucet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.log.FsyncPolicy;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code /v1/topics}: create ({@code POST}, 201, 409 if it exists), list, describe and delete (204) topics.
 *
 * <p>The topic object: {@code {"name","partitionCount","partitions":[{"partition","startOffset","endOffset",
 * "bytes"}],"retention":{"time","bytes"},"compact","fsync"}}; a creation takes {@code name}, {@code partitions} (a
 * count, default 1), {@code retention} ({@code time} like {@code 7d}, {@code bytes} like {@code 10GiB}; absent:
 * kept forever), {@code compact} and {@code fsync} ({@code always} or {@code never}).
 */
final class TopicRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> FIELDS = Set.of("name", "partitions", "retention", "compact", "fsync");
    private static final Set<String> RETENTION = Set.of("time", "bytes");

    private final PipelineRuntime runtime;
    private final Auth auth;
    private final Consumer<String> deleted;

    TopicRoutes(PipelineRuntime runtime, Auth auth, Consumer<String> deleted) {
        this.runtime = runtime;
        this.auth = auth;
        this.deleted = deleted;
    }


    void create(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        JsonNode body = body(ctx);
        TopicConfig config = config(body);
        TopicInfo created = runtime.createTopic(config);
        ctx.status(201).header("Location", "/v1/topics/" + created.name()).json(topic(created));
    }

    void list(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode topics = out.putArray("topics");
        runtime.topics().forEach(t -> topics.add(topic(t)));
        ctx.json(out);
    }

    void describe(Context ctx) {
        String name = ctx.pathParam("topic");
        auth.require(ctx, Security.Scope.Action.ADMIN, name);
        ctx.json(topic(runtime.topic(name).orElseThrow(() -> unknown(name))));
    }

    void delete(Context ctx) {
        String name = ctx.pathParam("topic");
        auth.require(ctx, Security.Scope.Action.ADMIN, name);
        runtime.topic(name).orElseThrow(() -> unknown(name));
        runtime.deleteTopic(name);
        deleted.accept(name);
        ctx.status(204);
    }

    static ApiException unknown(String name) {
        return new ApiException(404, "unknown-topic", "unknown topic '" + name + "'; create it with POST /v1/topics"
                + " or 'faucet topic create " + name + "'");
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode n = JSON.readTree(ctx.bodyAsBytes());
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("invalid-topic-request", "the body is a JSON object such as"
                        + " {\"name\":\"orders\",\"partitions\":4}", null, "");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid-json", "malformed JSON: " + e.getOriginalMessage(),
                    e.getLocation() == null ? null : e.getLocation().getLineNr(), null);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("invalid-json", "cannot read the body: " + e.getMessage(), null, null);
        }
    }

    private static TopicConfig config(JsonNode body) {
        known(body, FIELDS, "");
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual()) {
            throw ApiException.badRequest("invalid-topic-request", "\"name\" is required: a string of letters, digits,"
                    + " '.', '_' and '-' (at most 249)", null, "/name");
        }
        int partitions = 1;
        JsonNode p = body.get("partitions");
        if (p != null) {
            if (!p.isIntegralNumber() || !p.canConvertToInt()) {
                throw new ApiException(422, "invalid-topic", "\"partitions\" must be a whole number; got " + p);
            }
            partitions = p.intValue();
        }
        TopicConfig c = TopicConfig.of(name.textValue(), partitions);
        JsonNode r = body.get("retention");
        if (r != null && !r.isNull()) {
            if (!r.isObject()) {
                throw new ApiException(422, "invalid-topic", "\"retention\" is an object: {\"time\":\"7d\","
                        + "\"bytes\":\"10GiB\"}");
            }
            known(r, RETENTION, "/retention");
            Duration time = r.hasNonNull("time") ? unit(() -> Units.duration(r.get("time").asText()), "time") : null;
            long bytes = r.hasNonNull("bytes") ? unit(() -> Units.bytes(r.get("bytes").asText()), "bytes") : -1;
            c = c.withRetention(time, bytes);
        }
        JsonNode compact = body.get("compact");
        if (compact != null && !compact.isNull()) {
            if (!compact.isBoolean()) {
                throw new ApiException(422, "invalid-topic", "\"compact\" is true or false; got " + compact);
            }
            c = c.withCompaction(compact.booleanValue());
        }
        JsonNode fsync = body.get("fsync");
        if (fsync != null && !fsync.isNull()) {
            String f = fsync.asText().toLowerCase(Locale.ROOT);
            if (!fsync.isTextual() || !(f.equals("always") || f.equals("never"))) {
                throw new ApiException(422, "invalid-topic", "\"fsync\" is \"always\" or \"never\"; got " + fsync);
            }
            c = c.withFsync(f.equals("always") ? FsyncPolicy.ALWAYS : FsyncPolicy.NEVER);
        }
        return c;
    }

    private static <T> T unit(java.util.function.Supplier<T> parse, String field) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, "invalid-topic", "retention." + field + ": " + e.getMessage());
        }
    }

    private static void known(JsonNode n, Set<String> fields, String at) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                String suggestion = ServerConfigFile.closest(f, fields);
                throw ApiException.badRequest("invalid-topic-request", "unknown field '" + f + "'" + (suggestion == null
                        ? "" : "; did you mean '" + suggestion + "'?") + " (fields: " + String.join(", ",
                        fields.stream().sorted().toList()) + ")", null, at + "/" + f);
            }
        }
    }

    static ObjectNode topic(TopicInfo t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", t.name());
        n.put("partitionCount", t.config().partitions());
        ArrayNode parts = n.putArray("partitions");
        for (PartitionInfo p : t.partitions()) {
            parts.addObject().put("partition", p.partition()).put("startOffset", p.startOffset())
                    .put("endOffset", p.endOffset()).put("bytes", p.sizeBytes());
        }
        ObjectNode retention = n.putObject("retention");
        if (t.config().retentionTime() == null) {
            retention.putNull("time");
        } else {
            retention.put("time", Units.format(t.config().retentionTime()));
        }
        if (t.config().retentionBytes() < 0) {
            retention.putNull("bytes");
        } else {
            retention.put("bytes", t.config().retentionBytes() + "B");
        }
        n.put("compact", t.config().compact());
        n.put("fsync", t.config().fsync().name().toLowerCase(Locale.ROOT));
        return n;
    }
}
