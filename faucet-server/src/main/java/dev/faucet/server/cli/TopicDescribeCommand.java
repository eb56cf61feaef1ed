package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code faucet topic describe NAME}: the topic's settings, then each partition's offsets, records and bytes. */
@Command(name = "describe", description = "Shows a topic's settings and the offsets of each partition.")
final class TopicDescribeCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Topic name.")
    private String name;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        JsonNode t = client.get(TopicCommand.path(name));
        PrintWriter out = out();
        out.println("topic:      " + t.path("name").asText());
        out.println("partitions: " + t.path("partitionCount").asText());
        out.println("retention:  " + retention(t.path("retention")));
        out.println("compact:    " + t.path("compact").asBoolean());
        out.println("fsync:      " + t.path("fsync").asText());
        out.println();
        TextTable table = new TextTable("PARTITION", "START", "END", "RECORDS", "BYTES");
        for (JsonNode p : t.path("partitions")) {
            long start = p.path("startOffset").asLong();
            long end = p.path("endOffset").asLong();
            table.row(p.path("partition").asText(), String.valueOf(start), String.valueOf(end),
                    String.valueOf(end - start), TextTable.bytes(p.path("bytes").asLong()));
        }
        table.print(out);
        return 0;
    }

    private static String retention(JsonNode r) {
        String time = r.path("time").isNull() || r.path("time").isMissingNode() ? null : r.path("time").asText();
        String bytes = r.path("bytes").isNull() || r.path("bytes").isMissingNode() ? null : r.path("bytes").asText();
        if (time == null && bytes == null) {
            return "forever";
        }
        return (time == null ? "" : "time " + time) + (time != null && bytes != null ? ", " : "")
                + (bytes == null ? "" : "bytes " + (bytes.matches("\\d+B") ? TextTable.bytes(Long.parseLong(bytes
                .substring(0, bytes.length() - 1))) : bytes));
    }
}
