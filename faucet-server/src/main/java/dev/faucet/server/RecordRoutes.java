package dev.faucet.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.Publish;
import dev.faucet.engine.Published;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.LogState;
import dev.faucet.log.NewRecord;
import dev.faucet.log.RecordPosition;
import dev.faucet.log.TopicInfo;
import dev.faucet.server.ingest.Admission;
import dev.faucet.server.ingest.BodyReader;
import dev.faucet.server.ingest.Format;
import dev.faucet.server.ingest.RecordDecoder;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * {@code /v1/topics/{t}/records}: publishing ({@code POST}) and reading ({@code GET}).
 *
 * <p>A publish is admitted (topic exists, log healthy, disk above its floor, backlog under its limit, memory for the
 * body), read within its limit, decoded whole ({@link RecordDecoder}), and appended atomically; the answer
 * {@code {"offsets":[{"partition","offset"}]}} (request order) is sent once the records are durable. Any refusal
 * leaves the topic as it was. The request thread is released while the records are committed.
 */
final class RecordRoutes {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern TRACEPARENT = Pattern.compile(
            "([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    /** Memory a decoded record costs besides its bytes (objects, positions, its part of the answer), reserved. */
    private static final long RECORD_OVERHEAD_BYTES = 160;
    private static final int RESERVE_EVERY = 1024;
    /** An answer to a read stops growing past this many bytes (it holds at least one record). */
    private static final int MAX_ANSWER_BYTES = 16 << 20;
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    private final PipelineRuntime runtime;
    private final Auth auth;
    private final Admission admission;
    private final BodyReader bodies;
    private final RecordDecoder decoder;
    private final ServerMetrics metrics;
    private final TopicSignals signals;
    private final Executor responders = Executors.newVirtualThreadPerTaskExecutor();

    RecordRoutes(PipelineRuntime runtime, Auth auth, Admission admission, ServerConfig config, ServerMetrics metrics,
            TopicSignals signals) {
        this.runtime = runtime;
        this.auth = auth;
        this.admission = admission;
        this.bodies = new BodyReader(config.limits().maxBodyBytes(), admission);
        this.decoder = new RecordDecoder(config.limits().maxRecordBytes(), config.limits().maxJsonDepth());
        this.metrics = metrics;
        this.signals = signals;
    }


    // ---- publish ----

    void publish(Context ctx) throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            admitAndPublish(ctx, start);
        } catch (RuntimeException e) {
            ApiException api = Problems.toApi(ctx, Problems.unwrap(e));
            metrics.request(api.status(), start);
            if (api.status() < 500 && api.status() != 429) {
                metrics.refused("bad-input");
            }
            throw e;
        }
    }

    private void admitAndPublish(Context ctx, long start) throws IOException, InterruptedException {
        String topic = ctx.pathParam("topic");
        auth.require(ctx, Security.Scope.Action.PRODUCE, topic);
        Format format = Format.of(Collections.list(ctx.req().getHeaders("Content-Type")));
        checkEncodings(ctx);
        String idempotencyKey = idempotencyKey(ctx);
        String keyField = ctx.queryParam("key");
        if (keyField != null && keyField.isEmpty()) {
            throw ApiException.badRequest("invalid-key-field", "?key= names a top-level field, e.g. ?key=customerId",
                    null, null);
        }
        runtime.topic(topic).orElseThrow(() -> TopicRoutes.unknown(topic));
        if (runtime.state() != LogState.OPEN) {
            throw new ApiException(503, "log-unavailable", "the log is " + runtime.state().name()
                    .toLowerCase(java.util.Locale.ROOT) + " and takes no writes; the server must be restarted",
                    List.of(), Map.of("Retry-After", "5"));
        }
        admission.checkDisk();
        admission.checkBacklog(topic);
        long declared = ctx.req().getContentLengthLong();
        bodies.checkDeclared(declared);
        BodyReader.Body body = bodies.read(ctx.req().getInputStream(), declared);
        long[] reserved = {body.reserved()};
        int[] decoded = {0};
        Runnable perRecord = () -> {
            if (decoded[0]++ % RESERVE_EVERY == 0) {
                admission.reserve(RESERVE_EVERY * RECORD_OVERHEAD_BYTES);
                reserved[0] += RESERVE_EVERY * RECORD_OVERHEAD_BYTES;
            }
        };
        CompletableFuture<Published> published;
        List<NewRecord> records;
        boolean handedOff = false;
        try {
            records = decoder.decode(format, body.bytes(), body.length(),
                    new RecordDecoder.Options(keyField, traceHeaders(ctx), perRecord));
            byte[] fingerprint = idempotencyKey == null ? null : fingerprint(format, keyField, body);
            published = runtime.publish(new Publish(topic, records, idempotencyKey, fingerprint));
            handedOff = true;
        } finally {
            if (!handedOff) {
                admission.release(reserved[0]);
            }
        }
        long bytes = body.length();
        int count = records.size();
        // The answer is written on a virtual thread, never on the log's acknowledgement thread: a client that does
        // not read its answer must not hold up every other acknowledgement.
        ctx.future(() -> published.handleAsync((result, failure) -> {
            try {
                answer(ctx, topic, result, failure, count, bytes, start);
            } finally {
                admission.release(reserved[0]);
            }
            return null;
        }, responders));
    }

    private static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiException.badRequest("invalid-idempotency-key", "Idempotency-Key must be 1 to 255 visible ASCII"
                    + " characters", null, null);
        }
        return key;
    }

    private void answer(Context ctx, String topic, Published result, Throwable failure, int count, long bytes,
            long start) {
        if (failure != null) {
            ApiException api = Problems.toApi(ctx, Problems.unwrap(failure));
            metrics.request(api.status(), start);
            Problems.answer(ctx, failure);
            return;
        }
        if (!result.replayed()) {
            metrics.published(topic, count, bytes);
            signals.appended(topic);
        }
        metrics.request(200, start);
        ctx.contentType("application/json").result(offsets(result.positions()));
    }

    /** Bodies are taken as sent: no content coding (415), no transfer coding but chunked (400). */
    private static void checkEncodings(Context ctx) {
        String encoding = ctx.header("Content-Encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            throw new ApiException(415, "unsupported-encoding", "Content-Encoding '" + encoding + "' is not"
                    + " accepted; send the body uncompressed");
        }
        String transfer = ctx.header("Transfer-Encoding");
        if (transfer != null && !transfer.trim().equalsIgnoreCase("chunked")) {
            // Jetty decodes chunked and passes any coding before it (gzip, chunked) through undecoded.
            throw ApiException.badRequest("unsupported-transfer-encoding", "Transfer-Encoding '" + transfer + "' is not"
                    + " accepted; send the body as it is, with a Content-Length or chunked", null, null);
        }
    }

    /** A valid W3C traceparent is kept as a header of every record; a malformed one is ignored. */
    private static List<Header> traceHeaders(Context ctx) {
        String tp = ctx.header("traceparent");
        if (tp == null) {
            return List.of();
        }
        var m = TRACEPARENT.matcher(tp.trim());
        if (!m.matches() || m.group(1).equals("ff") || m.group(2).chars().allMatch(c -> c == '0')
                || m.group(3).chars().allMatch(c -> c == '0')) {
            return List.of();
        }
        return List.of(Header.of("traceparent", tp.trim()));
    }

    private static byte[] fingerprint(Format format, String keyField, BodyReader.Body body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((format.mediaType() + "\n" + (keyField == null ? "" : keyField) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            sha.update(body.bytes(), 0, body.length());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String offsets(List<RecordPosition> positions) {
        StringBuilder b = new StringBuilder(16 + positions.size() * 32).append("{\"offsets\":[");
        for (int i = 0; i < positions.size(); i++) {
            RecordPosition p = positions.get(i);
            b.append(i == 0 ? "" : ",").append("{\"partition\":").append(p.partition()).append(",\"offset\":")
                    .append(p.offset()).append('}');
        }
        return b.append("]}").toString();
    }

    // ---- read ----

    void read(Context ctx) throws IOException {
        String topic = ctx.pathParam("topic");
        auth.require(ctx, Security.Scope.Action.CONSUME, topic);
        TopicInfo info = runtime.topic(topic).orElseThrow(() -> TopicRoutes.unknown(topic));
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String from = ctx.queryParam("from");
        String cursor = ctx.queryParam("cursor");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("records");
            if (from != null || cursor != null) {
                TreeMap<Integer, Long> next = cursor != null ? parseCursor(cursor, info) : startAt(from, info, topic);
                readAcross(g, out, topic, next, limit);
                g.writeEndArray();
                g.writeStringField("cursor", formatCursor(next));
            } else {
                int partition = intParam(ctx, "partition", 0, 0, info.config().partitions() - 1);
                long offset = longParam(ctx, "offset", info.partitions().get(partition).startOffset());
                long next = offset;
                for (LogRecord r : runtime.read(topic, partition, offset, limit)) {
                    RecordJson.write(g, topic, r);
                    next = r.offset() + 1;
                    if (out.size() + g.getOutputBuffered() > MAX_ANSWER_BYTES) {
                        break;
                    }
                }
                next = Math.max(next, info.partitions().get(partition).startOffset());
                g.writeEndArray();
                g.writeObjectFieldStart("next");
                g.writeNumberField("partition", partition);
                g.writeNumberField("offset", next);
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        ctx.contentType("application/json").result(out.toByteArray());
    }

    private void readAcross(JsonGenerator g, ByteArrayOutputStream out, String topic, TreeMap<Integer, Long> next,
            int limit) throws IOException {
        int left = limit;
        for (Map.Entry<Integer, Long> e : next.entrySet()) {
            while (left > 0) {
                List<LogRecord> got = runtime.read(topic, e.getKey(), e.getValue(), left);
                if (got.isEmpty()) {
                    break;
                }
                for (LogRecord r : got) {
                    RecordJson.write(g, topic, r);
                    e.setValue(r.offset() + 1);
                    left--;
                    if (out.size() + g.getOutputBuffered() > MAX_ANSWER_BYTES) {
                        return;
                    }
                }
            }
        }
    }

    private TreeMap<Integer, Long> startAt(String from, TopicInfo info, String topic) {
        long ms;
        try {
            ms = Instant.parse(from).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid-parameter", "?from='" + from + "' is not an RFC 3339 time such as"
                    + " 2026-11-27T10:00:00Z", null, null);
        }
        TreeMap<Integer, Long> next = new TreeMap<>();
        for (int p = 0; p < info.config().partitions(); p++) {
            next.put(p, runtime.offsetForTime(topic, p, ms));
        }
        return next;
    }

    private static String formatCursor(TreeMap<Integer, Long> next) {
        List<String> parts = new ArrayList<>();
        next.forEach((p, o) -> parts.add(p + ":" + o));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.join(",", parts)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static TreeMap<Integer, Long> parseCursor(String cursor, TopicInfo info) {
        try {
            TreeMap<Integer, Long> next = new TreeMap<>();
            for (String part : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(",")) {
                String[] po = part.split(":");
                int p = Integer.parseInt(po[0]);
                long o = Long.parseLong(po[1]);
                if (p < 0 || p >= info.config().partitions() || o < 0) {
                    throw new IllegalArgumentException("out of range");
                }
                next.put(p, o);
            }
            return next;
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw ApiException.badRequest("invalid-parameter", "?cursor= is not a cursor this topic gave out; pass"
                    + " back the \"cursor\" of the previous answer", null, null);
        }
    }

    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        long v = longParam(ctx, name, dflt);
        if (v < min || v > max) {
            throw ApiException.badRequest("invalid-parameter", "?" + name + "=" + v + " is out of range: use " + min
                    + " to " + max, null, null);
        }
        return (int) v;
    }

    static long longParam(Context ctx, String name, long dflt) {
        String s = ctx.queryParam(name);
        if (s == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid-parameter", "?" + name + "='" + s + "' is not a whole number of 0"
                    + " or more", null, null);
        }
    }
}
