package dev.faucet.server;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineStatus;
import java.util.Locale;

/**
 * What deploying a pipeline did: created it, updated it to a new version, or nothing (that version runs already).
 *
 * <p>The change is judged from the deployed version just before the deployment, so two deployments of one name at
 * the same time may both say {@code updated}; {@link PipelineRoutes} serialises its own.
 */
record Deployment(Change change, PipelineStatus status) {

    enum Change {
        CREATED, UPDATED, UNCHANGED;

        /** {@code created}, {@code updated}, {@code unchanged}: as answers and the CLI spell it. */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What deploying {@code p} would do now. */
    static Change change(PipelineRuntime runtime, Pipeline p) {
        return runtime.pipeline(p.name()).map(s -> s.version().equals(p.version()) ? Change.UNCHANGED : Change.UPDATED)
                .orElse(Change.CREATED);
    }

    /** Deploys {@code p}, which throws {@link dev.faucet.engine.InvalidPipelineException} when it cannot run. */
    static Deployment deploy(PipelineRuntime runtime, Pipeline p) {
        Change change = change(runtime, p);
        return new Deployment(change, runtime.deploy(p));
    }
}
