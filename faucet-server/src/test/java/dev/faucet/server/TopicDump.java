package dev.faucet.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every record of a topic, read over HTTP ({@code GET /v1/topics/{t}/records?partition=P&offset=O&limit=10000}) from
 * offset 0 to each partition's end offset, with each value exactly as the server sent it: the characters of the
 * answer between the start and the end of the {@code value} (read by token position, not re-serialised).
 */
final class TopicDump {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();

    private TopicDump() {
    }

    /** A record as read; {@code value} is null when the server gave none or gave {@code valueBase64}. */
    record Stored(int partition, long offset, long timestampMs, String key, String value, Map<String, String> headers) {
        @Override
        public String toString() {
            return "partition " + partition + " offset " + offset;
        }
    }

    /** Each partition's end offset, from {@code GET /v1/topics/{t}}. */
    static long[] endOffsets(HttpClient client, URI base, String topic) throws IOException, InterruptedException {
        JsonNode partitions = JSON.readTree(get(client, base, "/v1/topics/" + topic)).get("partitions");
        long[] ends = new long[partitions.size()];
        for (JsonNode p : partitions) {
            ends[p.get("partition").asInt()] = p.get("endOffset").asLong();
        }
        return ends;
    }

    /**
     * Hands every record of every partition to {@code sink}, partition by partition, in offset order, a page at a time
     * (a long run's topic does not fit in memory); returns how many there were.
     */
    static long readAll(HttpClient client, URI base, String topic, Consumer<Stored> sink)
            throws IOException, InterruptedException {
        long[] ends = endOffsets(client, base, topic);
        long count = 0;
        for (int p = 0; p < ends.length; p++) {
            long offset = 0;
            while (offset < ends[p]) {
                String page = get(client, base, "/v1/topics/" + topic + "/records?partition=" + p + "&offset="
                        + offset + "&limit=10000");
                List<Stored> records = new ArrayList<>();
                long next = parsePage(page, records);
                if (records.isEmpty() || next <= offset) {
                    throw new AssertionError("partition " + p + " ends at " + ends[p] + " but reading at offset "
                            + offset + " returned nothing new: " + page.substring(0, Math.min(500, page.length())));
                }
                records.forEach(sink);
                count += records.size();
                offset = next;
            }
        }
        return count;
    }

    private static String get(HttpClient client, URI base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Adds the page's records to {@code out}; returns its {@code next.offset}. */
    private static long parsePage(String page, List<Stored> out) throws IOException {
        long next = -1;
        try (JsonParser p = FACTORY.createParser(page)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("records")) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        out.add(record(p, page));
                    }
                } else if (field.equals("next")) {
                    JsonNode n = JSON.readTree(p);
                    next = n.get("offset").asLong();
                } else {
                    p.skipChildren();
                }
            }
        }
        return next;
    }

    private static Stored record(JsonParser p, String page) throws IOException {
        int partition = -1;
        long offset = -1;
        long timestamp = -1;
        String key = null;
        String value = null;
        Map<String, String> headers = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "partition" -> partition = p.getIntValue();
                case "offset" -> offset = p.getLongValue();
                case "timestamp" -> timestamp = Instant.parse(p.getText()).toEpochMilli();
                case "key" -> key = t == JsonToken.VALUE_NULL ? null : p.getText();
                case "value" -> value = raw(p, page);
                case "headers" -> {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        headers.put(name, p.getText());
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Stored(partition, offset, timestamp, key, value, headers);
    }

    /** The value's characters as sent; only objects are ours, anything else is given as null. */
    private static String raw(JsonParser p, String page) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        int start = Math.toIntExact(p.currentTokenLocation().getCharOffset());
        p.skipChildren();
        int end = Math.toIntExact(p.currentLocation().getCharOffset());
        return page.substring(start, end);
    }

    private static void expect(boolean ok, JsonParser p) {
        if (!ok) {
            throw new AssertionError("unexpected JSON at " + p.currentLocation());
        }
    }
}
