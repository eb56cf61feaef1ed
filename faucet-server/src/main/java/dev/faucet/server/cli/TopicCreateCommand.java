package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code faucet topic create NAME}: only the settings given are sent; the server fills in its defaults. */
@Command(name = "create", description = "Creates a topic.")
final class TopicCreateCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Topic name: letters, digits, '.', '_' and '-'.")
    private String name;

    @Option(names = "--partitions", paramLabel = "N", description = "Number of partitions (server default: 1).")
    private Integer partitions;

    @Option(names = "--retention-time", paramLabel = "TIME",
            description = "Drop records older than this, e.g. 7d or 12h (default: keep them).")
    private String retentionTime;

    @Option(names = "--retention-bytes", paramLabel = "SIZE",
            description = "Drop the oldest records past this size per partition, e.g. 10GiB (default: keep them).")
    private String retentionBytes;

    @Option(names = "--compact", description = "Keep only the latest record of each key.")
    private boolean compact;

    @Option(names = "--fsync", paramLabel = "always|never",
            description = "'always' (default): acknowledged records are on disk; 'never': faster, lost on power loss.")
    private String fsync;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        if (fsync != null && !fsync.equals("always") && !fsync.equals("never")) {
            throw new ParameterException(spec().commandLine(), "Invalid --fsync: '" + fsync + "' (use always or"
                    + " never)");
        }
        JsonNode topic = client.post("/v1/topics", body());
        int count = topic.path("partitionCount").asInt();
        out().println("created topic " + topic.path("name").asText(name) + " (" + TextTable.plural(count,
                "partition") + ")");
        return 0;
    }

    private ObjectNode body() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
        if (partitions != null) {
            body.put("partitions", partitions);
        }
        if (retentionTime != null || retentionBytes != null) {
            ObjectNode retention = body.putObject("retention");
            if (retentionTime != null) {
                retention.put("time", retentionTime);
            }
            if (retentionBytes != null) {
                retention.put("bytes", retentionBytes);
            }
        }
        if (compact) {
            body.put("compact", true);
        }
        if (fsync != null) {
            body.put("fsync", fsync);
        }
        return body;
    }
}
