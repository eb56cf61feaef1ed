package dev.faucet.bench.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The requests the load generator sends, built once: headers and body in one array. A record's value is a JSON
 * object of exactly {@code recordBytes} bytes, {@code {"n":"0000042","p":"xxxx…"}}; a batch is {@code count} such
 * values, one per line ({@code application/x-ndjson}), each with its own number.
 */
final class Requests {
    /** The bytes of {@code {"n":"NNNNNNN","p":""}}: what a value needs besides its padding. */
    static final int MIN_RECORD_BYTES = 22;

    private Requests() {
    }

    /** {@code POST /v1/topics/{topic}/records} with one {@code application/json} value. */
    static byte[] single(String hostPort, String topic, int recordBytes) {
        return post(hostPort, "/v1/topics/" + topic + "/records", "application/json", value(0, recordBytes));
    }

    /** {@code POST /v1/topics/{topic}/records} with {@code count} values as NDJSON. */
    static byte[] batch(String hostPort, String topic, int count, int recordBytes) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(count * (recordBytes + 1));
        for (int i = 0; i < count; i++) {
            body.writeBytes(value(i, recordBytes));
            body.write('\n');
        }
        return post(hostPort, "/v1/topics/" + topic + "/records", "application/x-ndjson", body.toByteArray());
    }

    /** {@code POST /v1/topics} creating the topic. */
    static byte[] createTopic(String hostPort, String topic, int partitions, String fsync) {
        String json = "{\"name\":\"" + topic + "\",\"partitions\":" + partitions + ",\"fsync\":\"" + fsync
                + "\"}";
        return post(hostPort, "/v1/topics", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] post(String hostPort, String path, String contentType, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[h.length + body.length];
        System.arraycopy(h, 0, request, 0, h.length);
        System.arraycopy(body, 0, request, h.length, body.length);
        return request;
    }

    /** A JSON object of exactly {@code bytes} bytes with the number {@code n}. */
    static byte[] value(int n, int bytes) {
        if (bytes < MIN_RECORD_BYTES) {
            throw new IllegalArgumentException("--record-bytes must be at least " + MIN_RECORD_BYTES);
        }
        String head = String.format(java.util.Locale.ROOT, "{\"n\":\"%07d\",\"p\":\"", n % 10_000_000);
        return (head + "x".repeat(bytes - head.length() - 2) + "\"}").getBytes(StandardCharsets.US_ASCII);
    }
}
