package dev.faucet.engine;

import java.util.List;

/**
 * Makes lookups of one type ({@code jdbc}): found through {@link java.util.ServiceLoader}, so the engine never names a
 * connector. A provider checks the settings at deploy, before anything runs.
 */
public interface LookupProvider {

    /** The type as pipeline files name it under {@code enrich.from}. */
    String type();

    /** Problems with the settings, each with the setting it is about; empty when they are usable. */
    List<ConnectorConfig.Problem> check(ConnectorConfig config);

    /** A new lookup; it may connect lazily, on the first {@link Lookup#get}. */
    Lookup create(ConnectorConfig config);
}
