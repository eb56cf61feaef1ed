package dev.faucet.engine.embedded;

import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.log.Log;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** Runs deployed pipelines on the embedded log. (Being built on branch engine; not merged to main like this.) */
public final class PipelineHost implements AutoCloseable {
    private PipelineHost() {
    }

    public static PipelineHost open(Log log, InstantSource clock) {
        return new PipelineHost();
    }

    public PipelineStatus deploy(Pipeline pipeline) {
        throw new UnsupportedOperationException("pipelines: under construction");
    }

    public void validate(Pipeline pipeline) {
        throw new UnsupportedOperationException("pipelines: under construction");
    }

    public Optional<PipelineStatus> status(String name) {
        return Optional.empty();
    }

    public List<PipelineStatus> statuses() {
        return List.of();
    }

    public Optional<Pipeline> definition(String name) {
        return Optional.empty();
    }

    public void pause(String name) {
        throw new UnsupportedOperationException("pipelines: under construction");
    }

    public void resume(String name) {
        throw new UnsupportedOperationException("pipelines: under construction");
    }

    public void delete(String name) {
        throw new UnsupportedOperationException("pipelines: under construction");
    }

    @Override
    public void close() {
    }
}
