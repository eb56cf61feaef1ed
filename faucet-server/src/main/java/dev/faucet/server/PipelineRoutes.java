package dev.faucet.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.NoSuchPipelineException;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.PipelineYaml;
import dev.faucet.server.ingest.Admission;
import dev.faucet.server.ingest.BodyReader;
import dev.faucet.server.ingest.Format;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/pipelines}: deploy or update a pipeline from its YAML file ({@code POST}, {@code ?dryRun=true} only
 * validates), list them, show one's status and its YAML, pause, resume and delete. Every call needs the {@code admin}
 * scope when tokens are on.
 *
 * <p>A posted file is held to {@code limits.maxRecord} (a deployment is kept as one record in the log), must be UTF-8
 * and is parsed without a directory, so a {@code schema:} path in it is refused: {@code faucet pipeline deploy}
 * inlines schema files first. Deployments through this API are serialised, so each answer says truly whether it
 * created, updated or left the pipeline unchanged.
 */
final class PipelineRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> YAML_TYPES = Set.of("application/yaml", "application/x-yaml", "text/yaml");
    private static final String ACCEPTED = "send the pipeline file as application/yaml";

    private final PipelineRuntime runtime;
    private final Auth auth;
    private final Admission admission;
    private final BodyReader bodies;
    private final Object deployments = new Object();

    PipelineRoutes(PipelineRuntime runtime, Auth auth, Admission admission, Limits limits) {
        this.runtime = runtime;
        this.auth = auth;
        this.admission = admission;
        this.bodies = new BodyReader(limits.maxRecordBytes(), "limits.maxRecord", admission);
    }

    void deploy(Context ctx) throws IOException {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        boolean dryRun = dryRun(ctx);
        String type = Format.mediaType(Collections.list(ctx.req().getHeaders("Content-Type")), ACCEPTED);
        if (!YAML_TYPES.contains(type)) {
            throw new ApiException(415, "unsupported-media-type", "Content-Type '" + type + "' is not accepted: "
                    + ACCEPTED + " (or application/x-yaml, text/yaml)");
        }
        Pipeline p = PipelineYaml.parse(body(ctx), null, (PipelineYaml.SchemaFiles) null);
        if (dryRun) {
            runtime.validate(p);
            ctx.json(JSON.createObjectNode().put("valid", true).put("name", p.name()).put("version", p.version())
                    .put("change", Deployment.change(runtime, p).label()));
            return;
        }
        Deployment d;
        synchronized (deployments) {
            d = Deployment.deploy(runtime, p);
        }
        ObjectNode answer = JSON.createObjectNode().put("change", d.change().label());
        answer.setAll(PipelineJson.status(d.status()));
        if (d.change() == Deployment.Change.CREATED) {
            ctx.status(201).header("Location", path(p.name()));
        }
        ctx.json(answer);
    }

    void list(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("pipelines");
        runtime.pipelines().forEach(s -> list.add(PipelineJson.status(s)));
        ctx.json(out);
    }

    /** {@code GET /v1/sources}: the running sources, what each copied and its last error. */
    void sources(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("sources");
        runtime.sources().forEach(s -> list.addObject().put("name", s.name()).put("type", s.type())
                .put("to", s.topic()).put("running", s.running()).put("records", s.records()).put("error", s.error()));
        ctx.json(out);
    }

    void status(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        ctx.json(PipelineJson.status(existing(ctx.pathParam("pipeline"))));
    }

    void definition(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        String name = ctx.pathParam("pipeline");
        Pipeline p = runtime.definition(name).orElseThrow(() -> new NoSuchPipelineException(name));
        if (p.source() == null) {
            throw new ApiException(404, "no-pipeline-source", "pipeline '" + name + "' was deployed with the Java DSL"
                    + " and has no YAML file");
        }
        ctx.header("ETag", "\"" + p.version() + "\"").contentType("application/yaml; charset=utf-8")
                .result(p.source());
    }

    void pause(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        String name = ctx.pathParam("pipeline");
        runtime.pause(name);
        ctx.json(PipelineJson.status(existing(name)));
    }

    void resume(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        String name = ctx.pathParam("pipeline");
        runtime.resume(name);
        ctx.json(PipelineJson.status(existing(name)));
    }

    void delete(Context ctx) {
        auth.require(ctx, Security.Scope.Action.ADMIN, null);
        runtime.delete(ctx.pathParam("pipeline"));
        ctx.status(204);
    }

    static String path(String name) {
        return "/v1/pipelines/" + name;
    }

    private PipelineStatus existing(String name) {
        return runtime.pipeline(name).orElseThrow(() -> new NoSuchPipelineException(name));
    }

    private static boolean dryRun(Context ctx) {
        String v = ctx.queryParam("dryRun");
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new ApiException(400, "invalid-parameter", "dryRun is true or false; got '" + v + "'");
    }

    /** The file's text: strict UTF-8 within {@code limits.maxRecord}. */
    private String body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        bodies.checkDeclared(declared);
        BodyReader.Body body = bodies.read(ctx.req().getInputStream(), declared);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body.bytes(), 0, body.length())).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(400, "invalid-encoding", "the pipeline file is not valid UTF-8", List.of(),
                    java.util.Map.of());
        } finally {
            admission.release(body.reserved());
        }
    }
}
