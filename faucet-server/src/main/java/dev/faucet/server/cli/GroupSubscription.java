package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code faucet consume --group G}: the group subscription ({@code GET /v1/topics/{t}/subscribe}, server-sent
 * events), whose position the server keeps: each run continues where the group's last one stopped. A group new to
 * the topic starts at the beginning ({@code earliest}) or at the end.
 *
 * <p>It stops after {@code --max} records; with {@code follow} it runs until killed, reconnecting if the connection
 * drops; otherwise it stops once no event has arrived for {@link #IDLE} (the server sends what it has at once, so a
 * second of silence means caught up). The server commits the group's position when it has sent events, not when this
 * client has printed them: records it sent past {@code --max} count as delivered to the group.
 */
final class GroupSubscription {
    static final Duration IDLE = Duration.ofSeconds(1);

    private final FaucetClient client;
    private final String path;
    private final RecordPrinter printer;

    /** How one connection ended. */
    private enum Ending { DONE, IDLE, ENDED }

    GroupSubscription(FaucetClient client, String topic, String group, boolean earliest, RecordPrinter printer) {
        this.client = client;
        this.path = TopicCommand.path(topic) + "/subscribe?group=" + FaucetClient.encode(group) + "&from="
                + (earliest ? "earliest" : "latest");
        this.printer = printer;
    }

    void run(boolean follow) throws InterruptedException {
        int reconnects = 0;
        while (true) {
            long before = printer.printed();
            Ending ending;
            try (EventStream events = EventStream.open(client, path)) {
                ending = drain(events, follow);
            }
            printer.flush();
            if (ending != Ending.ENDED) {
                return;
            }
            if (!follow) {
                throw new CliFailure("the server ended the subscription (it is shutting down, or the topic was"
                        + " deleted)");
            }
            reconnects = printer.printed() > before ? 1 : reconnects + 1;
            if (reconnects > Backoff.DEFAULT.maxRetries()) {
                throw new CliFailure("the server keeps ending the subscription; gave up after " + (reconnects - 1)
                        + " reconnects");
            }
            Thread.sleep(Backoff.DEFAULT.delay(reconnects - 1, null).toMillis());
        }
    }

    private Ending drain(EventStream events, boolean follow) throws InterruptedException {
        while (!printer.done()) {
            SseParser.Event e = events.next(follow ? null : IDLE);
            if (e == null) {
                return Ending.IDLE;
            }
            if (e == EventStream.END) {
                return Ending.ENDED;
            }
            printer.print(record(e));
            if (!events.hasNext()) {
                printer.flush();
            }
        }
        return Ending.DONE;
    }

    private static JsonNode record(SseParser.Event e) {
        try {
            return Json.MAPPER.readTree(e.data());
        } catch (IOException notJson) {
            throw new CliFailure("the server sent an event that is not a JSON record (id " + e.id() + "): "
                    + notJson.getMessage().lines().findFirst().orElse(""));
        }
    }
}
