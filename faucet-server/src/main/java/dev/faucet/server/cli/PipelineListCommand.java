package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code faucet pipeline list}: one row per pipeline: version, state, guarantee, records and lag. */
@Command(name = "list", description = "Lists the deployed pipelines.")
final class PipelineListCommand extends ClientCommand {
    @Override
    int run(FaucetClient client) throws InterruptedException {
        JsonNode pipelines = client.get("/v1/pipelines").path("pipelines");
        if (pipelines.isEmpty()) {
            out().println("no pipelines yet; deploy one with 'faucet pipeline deploy FILE'");
            return 0;
        }
        TextTable table = new TextTable("NAME", "VERSION", "STATE", "GUARANTEE", "IN", "OUT", "DEAD LETTERS", "LAG");
        for (JsonNode p : pipelines) {
            JsonNode records = p.path("records");
            table.row(p.path("name").asText(), p.path("version").asText(), PipelineStatusCommand.state(p),
                    p.path("guarantee").asText(), records.path("in").asText(), records.path("out").asText(),
                    records.path("deadLettered").asText(), p.path("lag").path("records").asText());
        }
        table.print(out());
        return 0;
    }
}
