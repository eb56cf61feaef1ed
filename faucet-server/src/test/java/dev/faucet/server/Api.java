package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The /v1 API as a client sees it, through {@link HttpClient} over HTTP/1.1 on loopback. Every call answers an
 * {@link Answer}; the helpers that must succeed ({@link #createTopic}, {@link #publish}) assert it.
 */
final class Api implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JSON_TYPE = "application/json";
    static final String NDJSON = "application/x-ndjson";
    static final String ENVELOPES = "application/vnd.faucet.records+json";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    /** What the server answered: status, headers (names in lower case) and the body as text. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** Asserts a problem answer: the status, problem+json, and a detail containing every fragment. */
        JsonNode problem(int expectedStatus, String... detailFragments) {
            assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
            assertThat(header("Content-Type")).as("content type of %s", body)
                    .hasValueSatisfying(t -> assertThat(t).startsWith(Problems.CONTENT_TYPE));
            JsonNode p = json();
            assertThat(p.path("status").asInt()).isEqualTo(expectedStatus);
            assertThat(p.path("type").asText()).startsWith("https://faucet.dev/problems/");
            for (String fragment : detailFragments) {
                assertThat(p.path("detail").asText().toLowerCase(Locale.ROOT))
                        .contains(fragment.toLowerCase(Locale.ROOT));
            }
            return p;
        }
    }

    Api(URI base) {
        this.base = base;
    }

    Answer send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path) {
        return send("GET", path, null, null);
    }

    Answer post(String path, String contentType, String body, String... headers) {
        return send("POST", path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    Answer publishRaw(String topic, String contentType, byte[] body, String... headers) {
        return send("POST", "/v1/topics/" + topic + "/records", contentType, body, headers);
    }

    JsonNode createTopic(String name, int partitions) {
        Answer a = post("/v1/topics", JSON_TYPE, "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json();
    }

    /** Publishes and asserts a 200; answers the offsets array. */
    JsonNode publish(String topic, String contentType, String body, String... headers) {
        Answer a = publishRaw(topic, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().get("offsets");
    }

    /** The end offset of each partition, from {@code GET /v1/topics/{t}}. */
    List<Long> endOffsets(String topic) {
        Answer a = get("/v1/topics/" + topic);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<Long> ends = new ArrayList<>();
        a.json().get("partitions").forEach(p -> ends.add(p.get("endOffset").asLong()));
        return ends;
    }

    /** Every record of one partition, read with {@code ?partition=&offset=} pages. */
    List<JsonNode> records(String topic, int partition) {
        List<JsonNode> out = new ArrayList<>();
        long offset = 0;
        while (true) {
            Answer a = get("/v1/topics/" + topic + "/records?partition=" + partition + "&offset=" + offset
                    + "&limit=1000");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            JsonNode page = a.json();
            page.get("records").forEach(out::add);
            if (page.get("records").isEmpty()) {
                return out;
            }
            offset = page.get("next").get("offset").asLong();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
