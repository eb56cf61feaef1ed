package dev.faucet.engine;

import java.util.List;

/** Makes sources of one type ({@code kafka}); found through {@link java.util.ServiceLoader}. */
public interface SourceProvider {

    String type();

    /** Problems with the settings, each with the setting it is about; empty when they are usable. */
    List<ConnectorConfig.Problem> check(ConnectorConfig config);

    Source create(ConnectorConfig config);
}
