package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code faucet consume TOPIC}: prints records as NDJSON, one record object
 * ({@code {"partition","offset","timestamp","key","value","headers"}}) per line, in offset order per partition.
 *
 * <p>Without {@code --group} it reads ({@link RecordReads}): {@code --from-beginning} and {@code --from-time} page
 * through all partitions with the server's cursor; otherwise it starts at the current end of each partition, so only
 * records that arrive from now on are printed, which needs {@code --follow} to print anything. Without
 * {@code --follow} it stops when caught up. With {@code --group} it uses the group subscription
 * ({@link GroupSubscription}). {@code --max N} stops after N records in every mode.
 */
@Command(name = "consume", description = "Prints a topic's records as NDJSON, one record object per line.")
public final class ConsumeCommand extends ClientCommand {
    private static final String BEGINNING = "1970-01-01T00:00:00Z";

    @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
    private String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record (with --group: where a new group"
            + " starts).")
    private boolean fromBeginning;

    @Option(names = "--from-time", paramLabel = "TIME",
            description = "Start at the first record at or after this RFC 3339 time, e.g. 2026-11-27T10:00:00Z.")
    private String fromTime;

    @Option(names = "--group", paramLabel = "G", description = "Consume as consumer group G: continue where the"
            + " group stopped; the server keeps its position.")
    private String group;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    private Long max;

    @Option(names = "--follow", description = "Keep waiting for new records instead of stopping when caught up"
            + " (with --group: when no record came for a second).")
    private boolean follow;

    @Option(names = "--partition", paramLabel = "P", description = "Read only partition P (not with --group).")
    private Integer partition;

    @Override
    int run(FaucetClient client) throws InterruptedException {
        String from = validate();
        RecordPrinter printer = new RecordPrinter(out(), max == null ? Long.MAX_VALUE : max);
        if (group != null) {
            new GroupSubscription(client, topic, group, fromBeginning, printer).run(follow);
        } else {
            read(client, from, printer);
        }
        printer.flush();
        return 0;
    }

    private void read(FaucetClient client, String from, RecordPrinter printer) throws InterruptedException {
        JsonNode info = client.get(TopicCommand.path(topic));
        int partitions = info.path("partitionCount").asInt();
        if (partition != null && partition >= partitions) {
            throw new CliFailure("topic " + topic + " has partitions 0 to " + (partitions - 1) + "; there is no"
                    + " partition " + partition);
        }
        RecordReads reads = new RecordReads(client, topic, printer);
        if (from != null && (partition == null || !fromBeginning)) {
            reads.fromTime(from, partition, follow);
            return;
        }
        Map<Integer, Long> start = new TreeMap<>();
        for (JsonNode p : info.path("partitions")) {
            int number = p.path("partition").asInt();
            if (partition == null || partition == number) {
                start.put(number, p.path(fromBeginning ? "startOffset" : "endOffset").asLong());
            }
        }
        reads.fromOffsets(start, follow);
        if (!follow && !fromBeginning && printer.printed() == 0) {
            err().println("faucet: nothing printed: without --from-beginning or --from-time only records that"
                    + " arrive from now on are printed; add --follow to wait for them");
        }
    }

    /** Checks the options; returns the start time to read from (UTC, RFC 3339), or null to start at offsets. */
    private String validate() {
        if (max != null && max < 1) {
            throw usage("Invalid --max: " + max + " (use 1 or more)");
        }
        if (partition != null && partition < 0) {
            throw usage("Invalid --partition: " + partition + " (partitions count from 0)");
        }
        if (fromBeginning && fromTime != null) {
            throw usage("--from-beginning and --from-time cannot be combined: choose one start");
        }
        if (group != null && (fromTime != null || partition != null)) {
            throw usage("--group cannot be combined with " + (fromTime != null ? "--from-time" : "--partition")
                    + ": a group continues from its own position in every partition");
        }
        if (fromTime == null) {
            return fromBeginning ? BEGINNING : null;
        }
        try {
            return OffsetDateTime.parse(fromTime).toInstant().toString();
        } catch (DateTimeParseException e) {
            throw usage("Invalid --from-time: '" + fromTime + "' is not an RFC 3339 time such as"
                    + " 2026-11-27T10:00:00Z");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec().commandLine(), message);
    }
}
