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
 * second of silence means caught up). The server commits the group's position for events that a later write shows
 * this client still received; with {@code --max} it asks the server for only that many ({@code &max=}) and reads on
 * until the server has confirmed them and ends the stream, so the group's next run starts right after them.
 */
final class GroupSubscription {
    static final Duration IDLE = Duration.ofSeconds(1);
    private static final Duration CONFIRMATION = Duration.ofSeconds(5);

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
            String asked = printer.remaining() == Long.MAX_VALUE ? path : path + "&max=" + printer.remaining();
            try (EventStream events = EventStream.open(client, asked)) {
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
        printer.flush();
        // The server ends a ?max= stream once it has confirmed the events (a write at least 200 ms after them);
        // leaving earlier would leave them unconfirmed, to be sent again on the next run.
        if (printer.remaining() == 0) {
            events.next(CONFIRMATION); // the end of the stream, or nothing more within the time
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
