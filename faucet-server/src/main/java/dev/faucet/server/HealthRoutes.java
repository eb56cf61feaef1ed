package dev.faucet.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.faucet.log.LogState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code /health}: what a supervisor and a load balancer ask.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"live"}} unless the log has failed closed, then 503, so a
 *       supervisor restarts the process (reopening the log runs recovery).</li>
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"ready"}} once the log is open (recovered), 503 otherwise.
 *   </li>
 * </ul>
 * A 503 names the log's state: {@code {"status":"failed","log":"failed"}}, or {@code "recovering"} while the log is
 * being opened.
 */
final class HealthRoutes {
    private final Supplier<LogState> logState;

    /** @param logState the log's current state, null while it recovers; called on every request, on Jetty's threads */
    HealthRoutes(Supplier<LogState> logState) {
        this.logState = logState;
    }

    void addTo(RoutesConfig routes) {
        routes.get("/health/live", this::live);
        routes.get("/health/ready", this::ready);
        // Javalin answers HEAD of a GET route with 200 without running it; a probe must see the real status.
        routes.head("/health/live", this::live);
        routes.head("/health/ready", this::ready);
    }

    private void live(Context ctx) {
        LogState state = logState.get();
        answer(ctx, state != LogState.FAILED, "live", "failed", state);
    }

    private void ready(Context ctx) {
        LogState state = logState.get();
        answer(ctx, state == LogState.OPEN, "ready", "not-ready", state);
    }

    private static void answer(Context ctx, boolean healthy, String yes, String no, LogState state) {
        if (healthy) {
            ctx.json(new Health(yes, null));
        } else {
            String log = state == null ? "recovering" : state.name().toLowerCase(Locale.ROOT);
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(new Health(no, log));
        }
    }

    /** The answer's body; {@code log} only when unhealthy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Health(String status, String log) {
    }
}
