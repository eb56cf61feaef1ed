package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code faucet consume} without a group: pages of {@code GET /v1/topics/{t}/records}, printed as they come. A read
 * that answers no records means caught up: without {@code follow} that is the end; with it the next read follows
 * after a pause that grows from {@value #IDLE_MIN_MS} to {@value #IDLE_MAX_MS} ms while nothing arrives.
 */
final class RecordReads {
    static final int PAGE = 1000;
    static final long IDLE_MIN_MS = 200;
    static final long IDLE_MAX_MS = 1000;

    private final FaucetClient client;
    private final String path;
    private final RecordPrinter printer;

    RecordReads(FaucetClient client, String topic, RecordPrinter printer) {
        this.client = client;
        this.path = TopicCommand.path(topic) + "/records?";
        this.printer = printer;
    }

    /** One read; returns how many records the server answered (0: caught up). */
    @FunctionalInterface
    private interface Page {
        int read() throws InterruptedException;
    }

    /**
     * Reads all partitions from the first record at or after {@code from} (RFC 3339), paging with the server's
     * cursor; with {@code only} set, prints only that partition's records.
     */
    void fromTime(String from, Integer only, boolean follow) throws InterruptedException {
        String[] cursor = {null};
        loop(() -> {
            String where = cursor[0] == null ? "from=" + FaucetClient.encode(from)
                    : "cursor=" + FaucetClient.encode(cursor[0]);
            JsonNode page = client.get(path + where + "&limit=" + limit(only == null));
            printer.printAll(page.path("records"), only);
            cursor[0] = page.path("cursor").asText();
            return page.path("records").size();
        }, follow);
    }

    /** Reads each partition of {@code start} from its offset there. */
    void fromOffsets(Map<Integer, Long> start, boolean follow) throws InterruptedException {
        TreeMap<Integer, Long> next = new TreeMap<>(start);
        loop(() -> {
            int got = 0;
            for (Map.Entry<Integer, Long> e : next.entrySet()) {
                if (printer.done()) {
                    break;
                }
                JsonNode page = client.get(path + "partition=" + e.getKey() + "&offset=" + e.getValue() + "&limit="
                        + limit(true));
                printer.printAll(page.path("records"), null);
                e.setValue(page.path("next").path("offset").asLong(e.getValue()));
                got += page.path("records").size();
            }
            return got;
        }, follow);
    }

    private void loop(Page page, boolean follow) throws InterruptedException {
        long idleMs = IDLE_MIN_MS;
        while (!printer.done()) {
            int got = page.read();
            printer.flush();
            if (got > 0) {
                idleMs = IDLE_MIN_MS;
            } else if (!follow) {
                return;
            } else {
                Thread.sleep(idleMs);
                idleMs = Math.min(idleMs * 2, IDLE_MAX_MS);
            }
        }
    }

    private int limit(boolean counted) {
        return counted ? (int) Math.min(PAGE, printer.remaining()) : PAGE;
    }
}
