package dev.faucet.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.engine.IdempotencyConflictException;
import dev.faucet.log.LogException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become {@code application/problem+json} (RFC 9457) answers:
 * {@code {"type","title","status","detail","errors":[{line,pointer,message}]}}. The {@code type} is a stable URI per
 * kind of refusal, {@code https://faucet.dev/problems/<kind>}; clients switch on it, people read {@code detail}.
 *
 * <p>Bad input (an {@link ApiException}, a {@link LogException} whose kind is bad input, an idempotency conflict)
 * is a 4xx and logged at debug; a failed log is a 503 with {@code Retry-After}; anything else is a 500 that is logged
 * with its stack trace and answered without internals.
 */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://faucet.dev/problems/";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Problem(String type, String title, int status, String detail, List<ApiException.ProblemError> errors) {
    }

    static void addTo(RoutesConfig routes) {
        routes.exception(Exception.class, (e, ctx) -> answer(ctx, e));
        for (int status : new int[] {404, 405}) {
            routes.error(status, "*", ctx -> {
                if (!CONTENT_TYPE.equals(ctx.res().getContentType())) {
                    answer(ctx, new HttpResponseException(status, status == 404
                            ? "no such resource: " + ctx.method() + " " + ctx.path()
                            : "method " + ctx.method() + " is not allowed on " + ctx.path()));
                }
            });
        }
    }

    /** Answers {@code ctx} for a failure, which may be wrapped by a future. */
    static void answer(Context ctx, Throwable failure) {
        ApiException api = toApi(ctx, unwrap(failure));
        if (api.status() == 500) {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), unwrap(failure));
        }
        write(ctx, api);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static ApiException toApi(Context ctx, Throwable t) {
        if (t instanceof ApiException api) {
            return api;
        }
        if (t instanceof IdempotencyConflictException c) {
            return new ApiException(409, "idempotency-conflict", c.getMessage());
        }
        if (t instanceof LogException le) {
            return fromLog(le);
        }
        if (t instanceof HttpResponseException h) {
            String kind = h.getStatus() == 404 ? "not-found" : h.getStatus() == 405 ? "method-not-allowed"
                    : "http-" + h.getStatus();
            return new ApiException(h.getStatus(), kind, h.getMessage());
        }
        return new ApiException(500, "internal", "the server failed to answer this request: "
                + t.getClass().getSimpleName() + "; the server log has the details");
    }

    private static ApiException fromLog(LogException e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (e.kind()) {
            case UNKNOWN_TOPIC -> new ApiException(404, kind, e.getMessage());
            case TOPIC_EXISTS -> new ApiException(409, kind, e.getMessage());
            case RECORD_TOO_LARGE -> new ApiException(413, kind, e.getMessage());
            case INVALID_TOPIC -> new ApiException(422, kind, e.getMessage());
            case INVALID_RECORD -> new ApiException(400, kind, e.getMessage());
            case FAILED, CLOSED, CORRUPT -> new ApiException(503, "log-unavailable", "the log cannot take writes: "
                    + e.getMessage(), List.of(), Map.of("Retry-After", "5"));
        };
    }

    static void write(Context ctx, ApiException e) {
        e.headers().forEach(ctx::header);
        String title = io.javalin.http.HttpStatus.forStatus(e.status()).getMessage();
        try {
            ctx.status(e.status()).contentType(CONTENT_TYPE).result(JSON.writeValueAsBytes(
                    new Problem(TYPE_BASE + e.type(), title, e.status(), e.getMessage(), e.errors())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            ctx.status(500).result("{}");
        }
    }
}
