package dev.faucet.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.log.LogState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code /health}: what a supervisor and a load balancer ask.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"live"}} unless the log has failed closed, then 503, so a
 *       supervisor restarts the process (reopening the log runs recovery).</li>
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"ready"}} once the log is open (recovered) and every running
 *       pipeline is ready (its tasks run and its tables have caught up), 503 otherwise. Paused and failed pipelines
 *       do not count against readiness.</li>
 * </ul>
 * A 503 names the log's state: {@code {"status":"failed","log":"failed"}}, or {@code "recovering"} while the log is
 * being opened. A readiness answer lists under {@code pipelines} those that are paused, failed or not ready, as
 * {@code {"name","state","ready"}}; the key is left out when there are none.
 */
final class HealthRoutes {
    private final Supplier<LogState> logState;
    private final Supplier<List<PipelineStatus>> pipelines;

    /**
     * @param logState  the log's current state, null while it recovers; called on every request, on Jetty's threads
     * @param pipelines the deployed pipelines, called for readiness once the log is open
     */
    HealthRoutes(Supplier<LogState> logState, Supplier<List<PipelineStatus>> pipelines) {
        this.logState = logState;
        this.pipelines = pipelines;
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
        answer(ctx, state != LogState.FAILED, "live", "failed", state, List.of());
    }

    private void ready(Context ctx) {
        LogState state = logState.get();
        if (state != LogState.OPEN) {
            answer(ctx, false, "ready", "not-ready", state, List.of());
            return;
        }
        List<PipelineState> listed = pipelines.get().stream()
                .filter(p -> p.state() != PipelineStatus.State.RUNNING || !p.ready())
                .map(p -> new PipelineState(p.name(), PipelineJson.state(p.state()), p.ready())).toList();
        boolean ready = listed.stream().allMatch(p -> p.ready() || !p.state().equals("running"));
        answer(ctx, ready, "ready", "not-ready", state, listed);
    }

    private static void answer(Context ctx, boolean healthy, String yes, String no, LogState state,
            List<PipelineState> pipelines) {
        if (healthy) {
            ctx.json(new Health(yes, null, pipelines));
        } else {
            String log = state == null ? "recovering" : state.name().toLowerCase(Locale.ROOT);
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(new Health(no, log, pipelines));
        }
    }

    /** The answer's body; {@code log} only when unhealthy, {@code pipelines} only when one is worth naming. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Health(String status, String log, List<PipelineState> pipelines) {
    }

    /** A pipeline that is paused, failed, or running but not ready. */
    record PipelineState(String name, String state, boolean ready) {
    }
}
