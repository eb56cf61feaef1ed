package dev.faucet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The records the crash tests publish: NDJSON lines {@code {"id","k","pad","sum"}} where {@code id} is unique in the
 * run ({@code p<publisher>-<batch>-<index>}), {@code k} one of 32 record keys, {@code pad} filler that brings the
 * value to a random size of up to 4 KiB (10 B asked, about 70 B at least: the id and the sum take that much), and
 * {@code sum} the first 8 bytes of SHA-256 over {@code id|k|pad} in hex. A value that parses and whose sum matches was
 * written whole by these tests: neither torn nor invented.
 */
final class CrashRecords {
    static final String TOPIC = "t";
    static final int MAX_BATCH = 50;
    static final int MAX_VALUE_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:";
    private static final String[] WIDE = {"é", "€", "ß", "日本", "\uD834\uDD1E"};

    private CrashRecords() {
    }

    /**
     * One publish request: its idempotency key, whether it is sent with {@code ?key=k} (its records spread over the
     * partitions by key; without, the server puts all of a request's records in one partition), and its records.
     */
    record Batch(String idempotencyKey, boolean keyed, List<String> ids, List<String> values) {
        String body() {
            return String.join("\n", values) + "\n";
        }

        String path() {
            return "/v1/topics/" + TOPIC + "/records" + (keyed ? "?key=k" : "");
        }

        /** What the check needs once the batch is answered, without the values (a long run sends gigabytes). */
        Sent sent() {
            List<String> digests = new ArrayList<>(values.size());
            long bytes = 0;
            for (String v : values) {
                digests.add(digest(v));
                bytes += v.getBytes(StandardCharsets.UTF_8).length;
            }
            return new Sent(idempotencyKey, keyed, ids, List.copyOf(digests), bytes);
        }
    }

    /** A batch as sent: each value by its SHA-256 (a stored value is byte-identical if its digest is the same). */
    record Sent(String idempotencyKey, boolean keyed, List<String> ids, List<String> digests, long bytes) {
    }

    /** What a stored value holds, or why it is not one of ours. */
    record Parsed(String id, String k, String problem) {
    }

    /** The {@code seq}th batch of publisher {@code publisher}: 1 to 50 records, half of the batches keyed. */
    static Batch batch(Random random, String run, int publisher, int seq) {
        int n = 1 + random.nextInt(MAX_BATCH);
        boolean keyed = random.nextBoolean();
        List<String> ids = new ArrayList<>(n);
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = "p" + publisher + "-" + seq + "-" + i;
            ids.add(id);
            values.add(value(random, id, "k" + random.nextInt(32), 10 + random.nextInt(MAX_VALUE_BYTES - 9)));
        }
        return new Batch(run + "-p" + publisher + "-" + seq, keyed, List.copyOf(ids), List.copyOf(values));
    }

    private static String value(Random random, String id, String k, int targetBytes) {
        StringBuilder pad = new StringBuilder();
        boolean wide = random.nextInt(10) == 0;
        int bytes = 40 + id.length() + k.length() + 16;
        while (bytes < targetBytes) {
            if (wide && random.nextInt(8) == 0) {
                String w = WIDE[random.nextInt(WIDE.length)];
                pad.append(w);
                bytes += w.getBytes(StandardCharsets.UTF_8).length;
            } else {
                pad.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                bytes++;
            }
        }
        return "{\"id\":\"" + id + "\",\"k\":\"" + k + "\",\"pad\":\"" + pad + "\",\"sum\":\"" + sum(id, k, pad)
                + "\"}";
    }

    private static String sum(String id, CharSequence k, CharSequence pad) {
        return HexFormat.of().formatHex(sha256(id + "|" + k + "|" + pad), 0, 8);
    }

    /** The SHA-256 of a value's UTF-8 bytes, in hex. */
    static String digest(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Parses a stored value and checks its sum. */
    static Parsed parse(String raw) {
        if (raw == null) {
            return new Parsed(null, null, "no JSON value (null, or not JSON so the server gave valueBase64)");
        }
        try {
            JsonNode v = JSON.readTree(raw);
            String id = text(v, "id");
            String k = text(v, "k");
            String pad = text(v, "pad");
            String sum = text(v, "sum");
            if (id == null || k == null || pad == null || sum == null || v.size() != 4) {
                return new Parsed(id, k, "not a value of this test (fields id, k, pad, sum)");
            }
            if (!sum.equals(sum(id, k, pad))) {
                return new Parsed(id, k, "its sum does not match its content");
            }
            return new Parsed(id, k, null);
        } catch (java.io.IOException e) {
            return new Parsed(null, null, "not JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode v, String field) {
        JsonNode f = v.get(field);
        return f != null && f.isTextual() ? f.asText() : null;
    }
}
