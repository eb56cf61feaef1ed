package dev.faucet.connect.kafka;

import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Sink;
import dev.faucet.engine.SinkProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code kafka} sink: records to a topic of an external Kafka cluster, each batch in a Kafka transaction with its
 * position, so any guarantee holds across crashes.
 */
public final class KafkaSinkProvider implements SinkProvider {
    /** Producer settings the sink owns: its exactly-once delivery depends on them. */
    static final Set<String> OWN = Set.of("bootstrap.servers", "transactional.id", "enable.idempotence", "acks",
            "key.serializer", "value.serializer", "isolation.level");

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public List<ConnectorConfig.Problem> check(ConnectorConfig config, Guarantee guarantee) {
        List<ConnectorConfig.Problem> problems = new ArrayList<>();
        checkBootstrap(config, problems);
        for (String key : config.map("properties").keySet()) {
            if (OWN.contains(key)) {
                problems.add(new ConnectorConfig.Problem("properties." + key, "the sink sets '" + key + "' itself"
                        + " (its exactly-once delivery depends on it); remove it"));
            }
        }
        return problems;
    }

    /** {@code bootstrap} is {@code host:port}, or several separated by commas (shared with the Kafka source). */
    static void checkBootstrap(ConnectorConfig config, List<ConnectorConfig.Problem> problems) {
        String bootstrap = config.raw("bootstrap");
        if (bootstrap == null || !bootstrap.matches("[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*")) {
            problems.add(new ConnectorConfig.Problem("bootstrap", "'" + bootstrap + "' is not a list of brokers:"
                    + " write host:port, or host:port,host:port"));
        }
    }

    @Override
    public Sink create(ConnectorConfig config) {
        return new KafkaSink(config);
    }
}
