package dev.faucet.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.engine.IdempotencyConflictException;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.NoSuchPipelineException;
import dev.faucet.log.LogException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become {@code application/problem+json} (RFC 9457) answers:
 * {@code {"type","title","status","detail","errors":[{line,pointer,message}]}}. The {@code type} is a stable URI per
 * kind of refusal, {@code https://faucet.dev/problems/<kind>}; clients switch on it, people read {@code detail}.
 *
 * <p>Bad input (an {@link ApiException}, a {@link LogException} whose kind is bad input, an idempotency conflict)
 * is a 4xx and logged at debug; a failed log is a 503 with {@code Retry-After}; anything else is a 500 that is logged
 * with its stack trace and answered without internals. Requests Jetty refuses before they reach a route (malformed
 * HTTP, request smuggling attempts, a header section over {@code limits.maxHeader}) are answered in the same shape by
 * {@link JettyErrors}.
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
        // Javalin maps its own HttpResponseException (e.g. a body over maxRequestSize) to text unless told otherwise.
        routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e));
        for (int status : new int[] {404, 405}) {
            routes.error(status, "*", ctx -> {
                if (!CONTENT_TYPE.equals(ctx.res().getContentType())) {
                    answer(ctx, new HttpResponseException(status, ""));
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
        if (t instanceof InvalidPipelineException ip) {
            return invalidPipeline(ip);
        }
        if (t instanceof NoSuchPipelineException np) {
            return new ApiException(404, "unknown-pipeline", np.getMessage() + "; 'faucet pipeline list' shows the"
                    + " deployed ones");
        }
        if (t instanceof HttpResponseException h) {
            return switch (h.getStatus()) {
                case 404 -> new ApiException(404, "not-found", "no such resource: " + ctx.method() + " " + ctx.path());
                case 405 -> new ApiException(405, "method-not-allowed", "method " + ctx.method() + " is not allowed on "
                        + ctx.path(), List.of(), allow(h));
                case 413 -> new ApiException(413, "body-too-large", "the body is larger than limits.maxBody allows");
                default -> new ApiException(h.getStatus(), "http-" + h.getStatus(), h.getMessage());
            };
        }
        return new ApiException(500, "internal", "the server failed to answer this request: "
                + t.getClass().getSimpleName() + "; the server log has the details");
    }

    /**
     * A pipeline definition that cannot be deployed: a 422 whose {@code errors} hold every problem, each with its line
     * (when known), its field as a JSON pointer ({@code steps[2].filter} is {@code /steps/2/filter}) and as the file
     * names it, and its message; the detail names how many and the first.
     */
    static ApiException invalidPipeline(InvalidPipelineException e) {
        List<ApiException.ProblemError> errors = new ArrayList<>();
        for (InvalidPipelineException.Problem p : e.problems()) {
            String field = p.field() == null || p.field().isEmpty() ? null : p.field();
            errors.add(new ApiException.ProblemError(p.line() > 0 ? p.line() : null, field == null ? null
                    : pointer(field), field, p.message()));
        }
        int n = e.problems().size();
        String first = n == 0 ? "" : ": " + describe(e.problems().get(0));
        String detail = "the pipeline is not valid: " + (n == 1 ? "1 problem" : n + " problems") + first
                + (n > 1 ? " (and " + (n - 1) + " more in errors)" : "") + "; nothing was deployed";
        return new ApiException(422, "invalid-pipeline", detail, errors, Map.of());
    }

    private static String describe(InvalidPipelineException.Problem p) {
        return (p.line() > 0 ? "line " + p.line() + ": " : "") + (p.field() == null || p.field().isEmpty() ? ""
                : p.field() + ": ") + p.message();
    }

    /** A pipeline field path ({@code steps[4].route[0].when}) as a JSON pointer ({@code /steps/4/route/0/when}). */
    static String pointer(String field) {
        StringBuilder out = new StringBuilder();
        for (String part : field.split("\\.|(?=\\[)")) {
            String segment = part.startsWith("[") && part.endsWith("]") ? part.substring(1, part.length() - 1) : part;
            if (!segment.isEmpty()) {
                out.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
            }
        }
        return out.toString();
    }

    /** Javalin lists a path's methods in a 405's details; they become its {@code Allow} header. */
    private static Map<String, String> allow(HttpResponseException h) {
        String methods = h.getDetails().get("availableMethods");
        return methods == null ? Map.of() : Map.of("Allow", methods);
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

    /**
     * Answers what Jetty refuses by itself (a 400 for malformed or ambiguous HTTP such as both Content-Length and
     * Transfer-Encoding, a 431 for a header section over {@code limits.maxHeader}) as a problem, like every other
     * refusal. These requests never reach a route, so nothing of them is written.
     */
    static final class JettyErrors extends ErrorHandler {
        private final int maxHeaderBytes;

        JettyErrors(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message,
                Throwable cause, Callback callback) throws IOException {
            // Bad input is never a 5xx: an HTTP version Jetty does not speak (its 505) is the client's request.
            int status = code == 505 ? 400 : code;
            ApiException e = switch (status) {
                case 431 -> new ApiException(431, "header-too-large", "the request's header section is larger than"
                        + " limits.maxHeader allows (" + maxHeaderBytes + " bytes)");
                case 408 -> new ApiException(408, "request-timeout", "the request did not arrive within"
                        + " limits.idleTimeout");
                default -> status >= 500 ? new ApiException(status, "internal", "the server failed to answer this"
                        + " request; the server log has the details")
                        : new ApiException(status, status == 400 ? "malformed-request" : "http-" + status,
                        "the request is not valid HTTP/1.1" + (message == null ? "" : ": " + message)
                                + "; it was not processed");
            };
            String title = io.javalin.http.HttpStatus.forStatus(status).getMessage();
            byte[] body = JSON.writeValueAsBytes(new Problem(TYPE_BASE + e.type(), title, status, e.getMessage(),
                    List.of()));
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}
