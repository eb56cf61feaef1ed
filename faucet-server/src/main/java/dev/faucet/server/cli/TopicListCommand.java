package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code faucet topic list}: one row per topic: name, partitions, records and bytes. */
@Command(name = "list", description = "Lists the topics.")
final class TopicListCommand extends ClientCommand {
    @Override
    int run(FaucetClient client) throws InterruptedException {
        JsonNode topics = client.get("/v1/topics").path("topics");
        if (topics.isEmpty()) {
            out().println("no topics yet; create one with 'faucet topic create NAME'");
            return 0;
        }
        TextTable table = new TextTable("NAME", "PARTITIONS", "RECORDS", "BYTES");
        for (JsonNode t : topics) {
            long records = 0;
            long bytes = 0;
            for (JsonNode p : t.path("partitions")) {
                records += p.path("endOffset").asLong() - p.path("startOffset").asLong();
                bytes += p.path("bytes").asLong();
            }
            table.row(t.path("name").asText(), t.path("partitionCount").asText(), String.valueOf(records),
                    TextTable.bytes(bytes));
        }
        table.print(out());
        return 0;
    }
}
