package dev.faucet.server;

import static dev.faucet.server.Api.ENVELOPES;
import static dev.faucet.server.Api.JSON_TYPE;
import static dev.faucet.server.Api.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RELIABILITY.md's HTTP ingest bad-input cases against one server with small limits. Every refusal is checked for
 * what it promises ({@link #refused}): a 4xx (never a 5xx) {@code application/problem+json} whose {@code detail} says
 * what is wrong, the topic's end offsets unchanged, no topic created, and a valid publish still answered.
 * {@link BadInputConnectionTest} covers the cases that need a server of their own.
 */
class BadInputTest {
    static final int MAX_BODY = 1 << 20;
    static final int MAX_RECORD = 8 << 10;
    static final int MAX_HEADER = 4 << 10;

    @TempDir
    static Path dataDir;

    private static FaucetServer server;
    private static Api api;
    private static int topics;

    private String topic;
    private List<Long> before;
    private int topicCount;

    @BeforeAll
    static void start() throws IOException {
        Limits limits = new Limits(MAX_BODY, MAX_RECORD, MAX_HEADER, Duration.ofSeconds(30), 1024, 64, 64L << 20, 0,
                Limits.DEFAULT_MIN_DATA_RATE);
        server = FaucetServer.start(ServerConfig.of(dataDir).withPort(0).withLimits(limits));
        api = new Api(server.uri());
    }

    @AfterAll
    static void stop() {
        api.close();
        server.close();
    }

    @BeforeEach
    void freshTopic() {
        topic = "t" + topics++;
        api.createTopic(topic, 3);
        api.publish(topic, JSON_TYPE, "{\"seed\":true}");
        before = api.endOffsets(topic);
        topicCount = api.get("/v1/topics").json().get("topics").size();
    }

    /** Asserts a refusal and everything it promises; answers the problem. */
    private JsonNode refused(Api.Answer a, int status, String... detail) {
        assertThat(status).isBetween(400, 499);
        JsonNode problem = a.problem(status, detail);
        nothingWrittenAndStillServing();
        return problem;
    }

    private JsonNode refused(RawHttp.Answer a, int status, String... detail) {
        assertThat(status).isBetween(400, 499);
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.header("Content-Type")).as(a.body()).startsWith(Problems.CONTENT_TYPE);
        JsonNode problem = a.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        for (String d : detail) {
            assertThat(problem.get("detail").asText().toLowerCase(Locale.ROOT)).contains(d.toLowerCase(Locale.ROOT));
        }
        nothingWrittenAndStillServing();
        return problem;
    }

    private void nothingWrittenAndStillServing() {
        assertThat(api.endOffsets(topic)).as("end offsets of %s", topic).isEqualTo(before);
        assertThat(api.get("/v1/topics").json().get("topics")).hasSize(topicCount);
        api.publish(topic, JSON_TYPE, "{\"valid\":true}");
        before = api.endOffsets(topic);
    }

    private Api.Answer publish(String contentType, byte[] body) {
        return api.publishRaw(topic, contentType, body);
    }

    private Api.Answer publish(String contentType, String body) {
        return publish(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Concatenates strings (as UTF-8), byte arrays and single bytes given as ints. */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            switch (p) {
                case String s -> out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                case byte[] b -> out.writeBytes(b);
                case Integer i -> out.write(i);
                default -> throw new IllegalArgumentException(p.toString());
            }
        }
        return out.toByteArray();
    }

    // ---- malformed JSON ----

    static Stream<Arguments> malformedJson() {
        return Stream.of(
                Arguments.of("truncated document", bytes("{\"a\":"), "end-of-input"),
                Arguments.of("trailing comma in an array", bytes("[1,2,]"), "unexpected character (']'"),
                Arguments.of("trailing comma in an object", bytes("{\"a\":1,}"), "unexpected character ('}'"),
                Arguments.of("block comment", bytes("/* c */ {\"a\":1}"), "comment"),
                Arguments.of("line comment", bytes("{\"a\":1} // c"), "comment"),
                Arguments.of("single quotes", bytes("{'a':1}"), "unexpected character ('''"),
                Arguments.of("NaN", bytes("{\"a\":NaN}"), "'nan'"),
                Arguments.of("Infinity", bytes("[Infinity]"), "'infinity'"),
                Arguments.of("-Infinity", bytes("[-Infinity]"), "'-infinity'"),
                Arguments.of("unescaped control character", bytes("{\"a\":\"x", 1, "y\"}"), "control character u+0001"),
                Arguments.of("unescaped tab", bytes("{\"a\":\"x\ty\"}"), "ctrl-char, code 9"),
                Arguments.of("invalid escape \\x", bytes("{\"a\":\"\\x41\"}"), "escape 'x'"),
                Arguments.of("short escape \\u12", bytes("{\"a\":\"\\u12\"}"), "hex-digit"),
                Arguments.of("lone high surrogate", bytes("{\"a\":\"\\uD800\"}"), "lone utf-16 surrogate (\\ud800)"),
                Arguments.of("lone low surrogate", bytes("[\"\\uDC00\"]"), "lone utf-16 surrogate (\\udc00)"),
                Arguments.of("reversed surrogate pair", bytes("[\"\\uDC00\\uD800\"]"), "surrogate"),
                Arguments.of("lone surrogate in a field name", bytes("{\"\\uD800\":1}"), "surrogate"),
                Arguments.of("overlong UTF-8", bytes("{\"a\":\"", 0xC0, 0xAF, "\"}"), "not valid utf-8 at byte 6"),
                Arguments.of("0xC0 alone", bytes("[\"", 0xC0, "\"]"), "not valid utf-8 at byte 2"),
                Arguments.of("0xF5 lead byte", bytes("[\"", 0xF5, 0x80, 0x80, 0x80, "\"]"), "not valid utf-8"),
                Arguments.of("0xFF", bytes("[\"", 0xFF, "\"]"), "not valid utf-8"),
                Arguments.of("UTF-8 encoded surrogate", bytes("[\"", 0xED, 0xA0, 0x80, "\"]"), "not valid utf-8"),
                Arguments.of("code point past U+10FFFF", bytes("[\"", 0xF4, 0x90, 0x80, 0x80, "\"]"),
                        "not valid utf-8"),
                Arguments.of("multibyte sequence cut at the end", bytes("[\"", 0xE2, 0x82), "not valid utf-8"),
                Arguments.of("byte-order mark", bytes(0xEF, 0xBB, 0xBF, "{\"a\":1}"), "byte-order mark"),
                Arguments.of("NUL in a string", bytes("{\"a\":\"", 0, "\"}"), "control character u+0000"),
                Arguments.of("NUL after the value", bytes("{\"a\":1}", 0), "control character u+0000"),
                Arguments.of("duplicate keys", bytes("{\"a\":1,\"a\":2}"), "duplicate field 'a'"),
                Arguments.of("nested duplicate keys", bytes("[{\"x\":{\"b\":1,\"b\":2}}]"), "duplicate field 'b'"),
                Arguments.of("several top-level values", bytes("{\"a\":1} {\"b\":2}"), "more than one json value"),
                Arguments.of("leading zero", bytes("[01]"), "leading zero"),
                Arguments.of("plus sign", bytes("[+1]"), "plus sign"),
                Arguments.of("bare word", bytes("hello"), "'hello'"),
                Arguments.of("unquoted field name", bytes("{a:1}"), "double-quote"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedJson")
    void shouldRefuseMalformedJsonWith400SayingWhatAndWhere(String what, byte[] body, String detail) {
        JsonNode problem = refused(publish(JSON_TYPE, body), 400, detail);

        assertThat(problem.at("/errors/0/line").asInt()).as(problem.toString()).isEqualTo(1);
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimitWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);

        refused(publish(JSON_TYPE, deep), 400, "nested deeper than 64 levels");
        refused(publish(NDJSON, "1\n" + deep + "\n"), 400, "nested deeper than 64", "line 2");
        refused(publish(JSON_TYPE, "{\"a\":".repeat(65) + "1" + "}".repeat(65)), 400, "nested deeper than 64");
    }

    static Stream<Arguments> badNdjsonLine() {
        return Stream.of(
                Arguments.of("malformed JSON", bytes("{\"n\":"), "line 3"),
                Arguments.of("lone surrogate", bytes("{\"n\":\"\\uD800\"}"), "line 3"),
                Arguments.of("invalid UTF-8", bytes("[\"", 0xFF, "\"]"), "line 3"),
                Arguments.of("duplicate keys", bytes("{\"n\":1,\"n\":2}"), "line 3"),
                Arguments.of("two values", bytes("{\"n\":1} {\"n\":2}"), "line 3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNdjsonLine")
    void shouldRefuseNdjsonWithOneBadLineInTheMiddleNamingTheLine(String what, byte[] line, String detail) {
        byte[] body = bytes("{\"n\":1}\n{\"n\":2}\n", line, "\n{\"n\":4}\n");

        JsonNode problem = refused(publish(NDJSON, body), 400, detail);

        assertThat(problem.at("/errors/0/line").asInt()).as(problem.toString()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "[{\"a\":1},{\"a\":2},{\"a\":tru}]|/2/a|application/json",
        "[{\"a\":1},{\"a\":2},{\"a\":\"\\uDFFF\"}]|/2/a|application/json",
        "[{\"value\":1},{\"value\":2},{\"value\":3,\"valu\":4}]|/2/valu|application/vnd.faucet.records+json",
        "[{\"value\":1},{\"value\":2},{\"key\":\"k\"}]|/2/value|application/vnd.faucet.records+json",
        "[{\"value\":1},{\"value\":2},{\"value\":3,\"headers\":{\"h\":1}}]|/2/headers/h"
            + "|application/vnd.faucet.records+json",
        "[{\"value\":1},{\"value\":2},7]|/2|application/vnd.faucet.records+json"})
    void shouldRefuseABatchArrayWithOneBadElementNamingItsIndex(String body, String pointer, String contentType) {
        JsonNode problem = refused(publish(contentType, body), 400);

        assertThat(problem.at("/errors/0/pointer").asText()).as(problem.toString()).isEqualTo(pointer);
        assertThat(problem.get("detail").asText()).containsAnyOf("/2", "element 2");
    }

    @Test
    void shouldRefuseARecordWithoutTheKeyFieldNamingTheLineOrElement() {
        JsonNode array = refused(api.post("/v1/topics/" + topic + "/records?key=id", JSON_TYPE,
                "[{\"id\":1},{\"id\":\"b\"},{\"name\":\"c\"}]"), 400, "element 2", "'id'");
        JsonNode ndjson = refused(api.post("/v1/topics/" + topic + "/records?key=id", NDJSON,
                "{\"id\":1}\n{\"id\":null}\n"), 400, "line 2", "null");
        refused(api.post("/v1/topics/" + topic + "/records?key=id", JSON_TYPE, "[{\"id\":{\"x\":1}}]"), 400,
                "object or array");
        refused(api.post("/v1/topics/" + topic + "/records?key=id", JSON_TYPE, "[[1]]"), 400, "array");

        assertThat(array.at("/errors/0/pointer").asText()).isEqualTo("/2/id");
        assertThat(ndjson.at("/errors/0/line").asInt()).isEqualTo(2);
    }

    // ---- empty bodies ----

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"application/json||empty", "application/json|'  \n\t '|whitespace",
        "application/json|[]|empty", "application/x-ndjson|'\n  \n\r\n'|no records",
        "application/x-ndjson||empty", "application/vnd.faucet.records+json|[]|empty",
        "application/vnd.faucet.records+json|' '|array"})
    void shouldRefuseABodyWithoutRecords(String contentType, String body, String detail) {
        refused(publish(contentType, body == null ? "" : body), 400, detail);
    }

    // ---- numbers, Unicode, timestamps: accepted as documented ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"n\":1e400}", "{\"n\":9223372036854775808}", "{\"n\":-9223372036854775809}",
        "{\"n\":-0}", "{\"id\":1.0}", "{\"n\":1E-400}", "{\"n\":123456789012345678901234567890.123456789e+30}"})
    void shouldStoreHugeNumbersExactlyAsWritten(String value) {
        JsonNode offset = api.publish(topic, JSON_TYPE, value).get(0);

        Api.Answer read = api.get("/v1/topics/" + topic + "/records?partition=" + offset.get("partition")
                + "&offset=" + offset.get("offset") + "&limit=1");
        assertThat(read.body()).contains("\"value\":" + value + ",");
    }

    @Test
    void shouldTakeANumericKeyFieldAsWritten() {
        api.post("/v1/topics/" + topic + "/records?key=id", NDJSON, "{\"id\":9223372036854775808}\n{\"id\":1.0}\n");

        List<String> keys = new java.util.ArrayList<>();
        for (int p = 0; p < 3; p++) {
            api.records(topic, p).forEach(r -> keys.add(r.get("key").asText()));
        }
        assertThat(keys).contains("9223372036854775808", "1.0");
    }

    @Test
    void shouldRefuseANumberLongerThanAThousandCharacters() {
        refused(publish(JSON_TYPE, "[" + "9".repeat(1001) + "]"), 400, "number value length");
    }

    @Test
    void shouldStoreUnicodeAsTheBytesGivenWithoutNormalisation() {
        String nfc = "\u00e9";
        String nfd = "e\u0301";
        api.publish(topic, ENVELOPES, "[{\"key\":\"" + nfc + "\",\"value\":\"" + nfc + "\"},{\"key\":\"" + nfd
                + "\",\"value\":\"" + nfd + "\"},{\"key\":\"\\u00e9\",\"value\":\"\\u00e9 \\ud83d\\ude00\"},"
                + "{\"value\":\"\ud83d\ude00 \u2028 \u202e \uffff \u200b\"}]");

        StringBuilder all = new StringBuilder();
        List<String> keys = new java.util.ArrayList<>();
        for (int p = 0; p < 3; p++) {
            Api.Answer read = api.get("/v1/topics/" + topic + "/records?partition=" + p);
            all.append(read.body());
            read.json().get("records").forEach(r -> keys.add(r.get("key").asText()));
        }
        assertThat(keys).contains(nfc, nfd);
        assertThat(all.toString()).contains("\"value\":\"" + nfc + "\"", "\"value\":\"" + nfd + "\"",
                "\"value\":\"\\u00e9 \\ud83d\\ude00\"", "\"value\":\"\ud83d\ude00 \u2028 \u202e \uffff \u200b\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-1", "1.5", "1e3", "\"yesterday\"", "\"+10000-01-01T00:00:00Z\"", "253402300800000",
        "99999999999999999999", "true", "\"2026-11-27 10:00:00\""})
    void shouldRefuseATimestampOutsideThePolicy(String timestamp) {
        refused(publish(ENVELOPES, "[{\"value\":1,\"timestamp\":" + timestamp + "}]"), 400, "timestamp");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"0|1970-01-01T00:00:00Z",
        "\"9999-12-31T23:59:59.999Z\"|9999-12-31T23:59:59.999Z",
        "\"2100-01-01T00:00:00Z\"|2100-01-01T00:00:00Z", "4102444800000|2100-01-01T00:00:00Z"})
    void shouldKeepATimestampWithinThePolicyAsGivenEvenFarInTheFuture(String timestamp, String stored) {
        JsonNode o = api.publish(topic, ENVELOPES, "[{\"value\":1,\"timestamp\":" + timestamp + "}]").get(0);

        JsonNode r = api.get("/v1/topics/" + topic + "/records?partition=" + o.get("partition") + "&offset="
                + o.get("offset")).json().at("/records/0");
        assertThat(r.get("timestamp").asText()).isEqualTo(stored);
    }

    @Test
    void shouldStampARecordWithoutATimestampWithItsArrival() {
        Instant sent = Instant.now();
        JsonNode o = api.publish(topic, ENVELOPES, "[{\"value\":1}]").get(0);

        JsonNode r = api.get("/v1/topics/" + topic + "/records?partition=" + o.get("partition") + "&offset="
                + o.get("offset")).json().at("/records/0");
        assertThat(Instant.parse(r.get("timestamp").asText())).isBetween(sent.minusSeconds(1), Instant.now());
    }

    // ---- sizes ----

    @Test
    void shouldRefuseADeclaredContentLengthOverTheLimitBeforeTheBodyIsSent() throws IOException {
        String head = "POST /v1/topics/" + topic + "/records HTTP/1.1\r\nHost: localhost\r\nContent-Type:"
                + " application/json\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n";

        refused(RawHttp.exchange(server.uri(), head + "\r\n"), 413, "limits.maxBody");
        RawHttp.Answer expecting = RawHttp.exchange(server.uri(), head + "Expect: 100-continue\r\n\r\n");
        refused(expecting, 413, "limits.maxBody");

        assertThat(expecting.interim()).as("no 100 Continue invites the body").isEmpty();
        assertThat(expecting.closed()).isTrue();
    }

    @Test
    void shouldRefuseAChunkedBodyThatPassesTheLimitAndAppendNothing() throws IOException {
        String line = "{\"pad\":\"" + "x".repeat(1000) + "\"}\n";
        StringBuilder chunks = new StringBuilder();
        for (int sent = 0; sent <= MAX_BODY; sent += line.length()) {
            chunks.append(Integer.toHexString(line.length())).append("\r\n").append(line).append("\r\n");
        }
        byte[] request = RawHttp.post("/v1/topics/" + topic + "/records", "Content-Type: application/x-ndjson\r\n"
                + "Transfer-Encoding: chunked\r\n", bytes(chunks.toString(), "0\r\n\r\n"));

        refused(RawHttp.exchange(server.uri(), request), 413, "limits.maxBody");
    }

    @Test
    void shouldRefuseARecordOverTheRecordLimitNamingIt() {
        // One character more than the limit: a string that long must be a 413 naming the record, not a parser limit.
        String big = "\"" + "x".repeat(MAX_RECORD + 1) + "\"";

        JsonNode single = refused(publish(JSON_TYPE, big), 413, "limits.maxRecord");
        JsonNode element = refused(publish(JSON_TYPE, "[1,2," + big + "]"), 413, "element 2");
        JsonNode line = refused(publish(NDJSON, "1\n" + big + "\n"), 413, "line 2");
        refused(publish(ENVELOPES, "[{\"value\":1},{\"value\":{\"a\":" + big + "}}]"), 413, "element 1");

        assertThat(single.at("/errors/0/pointer").asText()).isEmpty();
        assertThat(element.at("/errors/0/pointer").asText()).isEqualTo("/2");
        assertThat(line.at("/errors/0/line").asInt()).isEqualTo(2);
    }

    @Test
    void shouldRefuseABodyThatEndsBeforeItsContentLength() throws IOException {
        byte[] request = RawHttp.post("/v1/topics/" + topic + "/records", "Content-Type: application/json\r\n"
                + "Content-Length: 100\r\n", bytes("{\"a\":1}"));

        try (var socket = RawHttp.connect(server.uri())) {
            socket.getOutputStream().write(request);
            socket.shutdownOutput();
            refused(RawHttp.read(socket), 400, "content-length");
        }
    }

    // ---- encodings and content types ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "deflate", "br", "gzip, identity"})
    void shouldRefuseACompressedBodyWith415(String encoding) throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(new byte[100_000]);
        }

        refused(api.send("POST", "/v1/topics/" + topic + "/records", JSON_TYPE, zipped.toByteArray(),
                "Content-Encoding", encoding), 415, "content-encoding");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=utf-16", "application/json; charset=latin1", "application/json; charset=ISO-8859-1",
        "application/x-ndjson; charset=utf-16le", "application/jsonx", "application/json-seq", "json"})
    void shouldRefuseAContentTypeOtherThanTheThreeDocumentedWith415(String contentType) {
        refused(publish(contentType.isEmpty() ? null : contentType, "{\"a\":1}"), 415,
                contentType.isEmpty() ? "no content-type" : "application/x-ndjson");
    }

    @Test
    void shouldRefuseDuplicateContentTypeHeadersWith415() throws IOException {
        for (String second : List.of("application/json", "text/plain")) {
            byte[] request = RawHttp.post("/v1/topics/" + topic + "/records", "Content-Type: application/json\r\n"
                    + "Content-Type: " + second + "\r\nContent-Length: 7\r\nConnection: close\r\n", bytes("{\"a\":1}"));

            refused(RawHttp.exchange(server.uri(), request), 415, "2 content-type headers");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"APPLICATION/JSON|{\"a\":1}", "application/json; charset=\"UTF-8\"; v=1|[1]",
        "Application/X-NDJSON;charset=utf-8|1", "application/vnd.faucet.records+JSON ; q=1|[{\"value\":1}]",
        "application/json;|2"})
    void shouldAcceptOddCasingAndExtraParametersOfADocumentedType(String contentType, String body) {
        assertThat(publish(contentType, body).status()).isEqualTo(200);
    }

    // ---- topics in the path ----

    @Test
    void shouldAnswer404ForAnUnknownTopicWithoutCreatingIt() {
        refused(api.publishRaw("nope", JSON_TYPE, bytes("{\"a\":1}")), 404, "unknown topic 'nope'");
        refused(api.get("/v1/topics/nope/records"), 404, "nope");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"POST,..%2f..%2fetc", "POST,%2e%2e", "POST,%2e%2e%2f", "POST,a%2fb", "POST,a%00b", "POST,%00",
        "POST,..", "POST,a%20b", "POST,__faucet.idempotency", "POST,caf%C3%A9", "POST,%ff", "POST,a%0d%0aX:1",
        "GET,..%2f..%2fetc", "GET,%2e%2e", "GET,a%00b", "GET,__faucet.idempotency", "DELETE,..%2f..%2fetc",
        "DELETE,%2e%2e", "DELETE,a%00b", "DELETE,__faucet.idempotency", "DELETE,a%2fb"})
    void shouldRefuseATopicNameThatIsNotOneWith4xxNever5xx(String method, String name) throws IOException {
        String path = "/v1/topics/" + name + (method.equals("DELETE") ? "" : "/records");
        String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}";

        RawHttp.Answer answer = RawHttp.exchange(server.uri(), request);

        assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
        refused(answer, answer.status());
    }

    // ---- header injection and smuggling ----

    static Stream<Arguments> smuggling() {
        String chunked = "7\r\n{\"a\":1}\r\n0\r\n\r\n";
        String json = "Content-Type: application/json\r\n";
        return Stream.of(
                Arguments.of("CL.TE", json + "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, 400),
                Arguments.of("TE.CL", json + "Transfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n" + chunked, 400),
                Arguments.of("duplicate differing Content-Length", json + "Content-Length: 7\r\nContent-Length: 8\r\n"
                        + "\r\n{\"a\":1} ", 400),
                Arguments.of("Content-Length list", json + "Content-Length: 7, 7\r\n\r\n{\"a\":1}", 400),
                Arguments.of("negative Content-Length", json + "Content-Length: -7\r\n\r\n{\"a\":1}", 400),
                Arguments.of("Content-Length past 2^63", json + "Content-Length: 99999999999999999999999\r\n\r\n",
                        400),
                Arguments.of("space before the colon", json + "Transfer-Encoding : chunked\r\n\r\n" + chunked, 400),
                Arguments.of("chunked, identity", json + "Transfer-Encoding: chunked, identity\r\n\r\n" + chunked, 400),
                Arguments.of("gzip, chunked", json + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked, 400),
                Arguments.of("obs-fold", json + "X-Note: a\r\n  b\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 400),
                Arguments.of("obs-fold of Content-Type", "Content-Type: application/json;\r\n charset=utf-8\r\n"
                        + "Content-Length: 7\r\n\r\n{\"a\":1}", 400),
                Arguments.of("space in a header name", json + "X Note: a\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 400),
                Arguments.of("bare CR in traceparent", json + "traceparent: 00-0af7651916cd43dd8448eb211c80319c-"
                        + "b7ad6b7169203331-01\rX-Injected: 1\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 400),
                Arguments.of("duplicate Host", json + "Host: other\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 400),
                Arguments.of("chunk size overflow", json + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF1\r\n"
                        + "{\"a\":1}\r\n0\r\n\r\n", 400),
                Arguments.of("header section over limits.maxHeader", json + "X-Big: " + "a".repeat(MAX_HEADER)
                        + "\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 431),
                Arguments.of("too many headers", json + "X-H: 1\r\n".repeat(MAX_HEADER / 6)
                        + "Content-Length: 7\r\n\r\n{\"a\":1}", 431));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smuggling")
    void shouldRefuseSmugglingAndHeaderInjectionAndWriteNothing(String what, String rest, int status)
            throws IOException {
        byte[] request = ("POST /v1/topics/" + topic + "/records HTTP/1.1\r\nHost: localhost\r\n" + rest)
                .getBytes(StandardCharsets.ISO_8859_1);

        RawHttp.Answer answer = RawHttp.exchange(server.uri(), request);

        JsonNode problem = refused(answer, status);
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(answer.headers()).doesNotContainKey("x-injected");
    }

    @Test
    void shouldRefuseARequestWithoutHost() throws IOException {
        String request = "POST /v1/topics/" + topic + "/records HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 7\r\n\r\n{\"a\":1}";

        refused(RawHttp.exchange(server.uri(), request), 400, "host");
    }

    @Test
    void shouldRefuseAnHttpVersionItDoesNotSpeakWith400NotA505() throws IOException {
        String request = "POST /v1/topics/" + topic + "/records HTTP/9.9\r\nHost: localhost\r\nContent-Type:"
                + " application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}";

        refused(RawHttp.exchange(server.uri(), request), 400, "not valid http/1.1");
    }
}
