package dev.faucet.connect.kafka;

import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Source;
import dev.faucet.engine.SourceProvider;
import java.util.ArrayList;
import java.util.List;

/** The {@code kafka} source: a topic of an external Kafka cluster, copied into a Faucet topic exactly once. */
public final class KafkaSourceProvider implements SourceProvider {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public List<ConnectorConfig.Problem> check(ConnectorConfig config) {
        List<ConnectorConfig.Problem> problems = new ArrayList<>();
        KafkaSinkProvider.checkBootstrap(config, problems);
        String topic = config.raw("topic");
        if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            problems.add(new ConnectorConfig.Problem("topic", "'" + topic + "' is not a Kafka topic name"));
        }
        String from = config.raw("from");
        if (from != null && !from.equals("earliest") && !from.equals("latest")) {
            problems.add(new ConnectorConfig.Problem("from", "'" + from + "' is not earliest or latest"));
        }
        for (String key : config.map("properties").keySet()) {
            if (KafkaSource.OWN.contains(key)) {
                problems.add(new ConnectorConfig.Problem("properties." + key, "the source sets '" + key + "' itself;"
                        + " remove it"));
            }
        }
        return problems;
    }

    @Override
    public Source create(ConnectorConfig config) {
        return new KafkaSource(config);
    }
}
