package dev.faucet.engine;

import java.util.List;

/**
 * Makes sinks of one type ({@code postgres}, {@code webhook}): found through {@link java.util.ServiceLoader}, so
 * the engine never names a connector. A provider checks a sink's settings at deploy, before anything runs.
 */
public interface SinkProvider {

    /** The type as pipeline files name it under {@code sink:}. */
    String type();

    /**
     * Problems with the settings, each with the setting it is about (a key of {@code config}, or "" for the
     * whole); empty when they are usable. Only what can be checked without connecting.
     */
    List<ConnectorConfig.Problem> check(ConnectorConfig config, Guarantee guarantee);

    /** A new, unopened sink. */
    Sink create(ConnectorConfig config);
}
