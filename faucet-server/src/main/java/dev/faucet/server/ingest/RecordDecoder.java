package dev.faucet.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.faucet.log.Header;
import dev.faucet.log.NewRecord;
import dev.faucet.server.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns a publish body into records, or refuses it whole with a 4xx that says what is wrong and where.
 *
 * <p>Policy (documented in docs/http-api.md): a value is stored as the exact bytes the client sent for it (no
 * re-encoding, no Unicode normalisation); the body must be UTF-8 without a byte-order mark, with no invalid
 * sequences, no lone surrogates (raw or escaped) and no duplicate keys in an object; JSON is RFC 8259 (no comments,
 * trailing commas, single quotes, NaN); numbers are kept as written; nesting deeper than {@code maxDepth} is refused;
 * blank NDJSON lines are skipped. A record's key is a UTF-8 string: the envelope's {@code key}, or with
 * {@code ?key=FIELD} a top-level string, number or boolean field of the value (a record without it, or with null, an
 * object or an array there, is refused, naming the line or index). Envelope timestamps are RFC 3339 or epoch
 * milliseconds from 0 to the end of year 9999; without one the log stamps the record's arrival.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class RecordDecoder {
    private static final long MAX_TIMESTAMP = 253_402_300_799_999L;
    private static final int MAX_HEADER_NAME = 255;
    /** Digits (and sign, point, exponent) of one number; longer is refused as a parser limit. */
    private static final int MAX_NUMBER_LENGTH = 1000;

    private final JsonFactory json;
    private final int maxRecordBytes;
    private final int maxDepth;

    /**
     * What applies to every record of a request besides its body.
     *
     * @param perRecord called once per record decoded, before its value is copied: the caller reserves memory for it
     *                  (and may refuse by throwing)
     */
    public record Options(String keyField, List<Header> headers, Runnable perRecord) {
        public Options {
            headers = List.copyOf(headers);
        }

        public Options(String keyField, List<Header> headers) {
            this(keyField, headers, () -> { });
        }
    }

    /** Header names starting with this are Faucet's own (e.g. the idempotency tag); clients may not set them. */
    public static final String RESERVED_HEADER_PREFIX = "faucet-";

    public RecordDecoder(int maxRecordBytes, int maxDepth) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxDepth = maxDepth;
        this.json = JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Strings and names are bounded by the body limit; a record too large is a 413 from value(), which
                // can name it, not a parser limit (a 400).
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth)
                        .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(Integer.MAX_VALUE)
                        .maxNameLength(Integer.MAX_VALUE).build())
                .build();
    }

    public List<NewRecord> decode(Format format, byte[] body, int length, Options options) {
        if (length == 0) {
            throw ApiException.badRequest("empty-body", "the body is empty: send at least one record", null, null);
        }
        Utf8.check(body, length);
        return switch (format) {
            case JSON -> decodeJson(body, length, options);
            case NDJSON -> decodeNdjson(body, length, options);
            case ENVELOPE -> decodeEnvelopes(body, length, options);
        };
    }

    // ---- application/json ----

    private List<NewRecord> decodeJson(byte[] body, int length, Options options) {
        List<NewRecord> out = new ArrayList<>();
        try (JsonParser p = json.createParser(body, 0, length)) {
            JsonToken first = next(p, null);
            if (first == null) {
                throw ApiException.badRequest("empty-body", "the body holds only whitespace: send at least one record",
                        null, null);
            }
            if (first == JsonToken.START_ARRAY) {
                int index = 0;
                while (next(p, null) != JsonToken.END_ARRAY) {
                    out.add(value(p, body, 0, options, null, "/" + index, "element " + index));
                    index++;
                }
                if (index == 0) {
                    throw ApiException.badRequest("empty-body", "the array is empty: send at least one record", null,
                            "");
                }
            } else {
                out.add(value(p, body, 0, options, null, "", "the value"));
            }
            if (next(p, null) != null) {
                throw ApiException.badRequest("invalid-json", "more than one JSON value in an application/json body"
                        + " (at line " + p.currentTokenLocation().getLineNr() + "): send one value, a JSON array, or"
                        + " use application/x-ndjson", p.currentTokenLocation().getLineNr(), null);
            }
        } catch (IOException e) {
            throw parseError(e, null);
        }
        return out;
    }

    // ---- application/x-ndjson ----

    private List<NewRecord> decodeNdjson(byte[] body, int length, Options options) {
        List<NewRecord> out = new ArrayList<>();
        int line = 0;
        int start = 0;
        while (start < length) {
            int end = indexOf(body, (byte) '\n', start, length);
            line++;
            int stop = end > start && body[end - 1] == '\r' ? end - 1 : end;
            if (!isBlank(body, start, stop)) {
                out.add(line(body, start, stop, line, options));
            }
            start = end + 1;
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest("empty-body", "the body has no records, only blank lines", null, null);
        }
        return out;
    }

    private NewRecord line(byte[] body, int start, int stop, int line, Options options) {
        try (JsonParser p = json.createParser(body, start, stop - start)) {
            next(p, line);
            NewRecord r = value(p, body, start, options, line, "", "line " + line);
            if (next(p, line) != null) {
                throw ApiException.badRequest("invalid-json", "line " + line + " holds more than one JSON value; put"
                        + " one value per line", line, null);
            }
            return r;
        } catch (IOException e) {
            throw parseError(e, line);
        }
    }

    // ---- application/vnd.faucet.records+json ----

    private List<NewRecord> decodeEnvelopes(byte[] body, int length, Options options) {
        if (options.keyField() != null) {
            throw ApiException.badRequest("invalid-envelope", "?key= does not apply to"
                    + " application/vnd.faucet.records+json: each envelope carries its own \"key\"", null, null);
        }
        List<NewRecord> out = new ArrayList<>();
        try (JsonParser p = json.createParser(body, 0, length)) {
            if (next(p, null) != JsonToken.START_ARRAY) {
                throw ApiException.badRequest("invalid-envelope", "an application/vnd.faucet.records+json body is a"
                        + " JSON array of {\"key\",\"value\",\"headers\",\"timestamp\"} objects", null, "");
            }
            int index = 0;
            while (next(p, null) != JsonToken.END_ARRAY) {
                out.add(envelope(p, body, options, index++));
            }
            if (index == 0) {
                throw ApiException.badRequest("empty-body", "the array is empty: send at least one record", null, "");
            }
            if (next(p, null) != null) {
                throw ApiException.badRequest("invalid-json", "more than one JSON value in the body", null, null);
            }
        } catch (IOException e) {
            throw parseError(e, null);
        }
        return out;
    }

    private NewRecord envelope(JsonParser p, byte[] body, Options options, int index) throws IOException {
        String at = "/" + index;
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw ApiException.badRequest("invalid-envelope", "element " + index + " is not an object: each element is"
                    + " {\"key\",\"value\",\"headers\",\"timestamp\"}", null, at);
        }
        String key = null;
        boolean hasKey = false;
        NewRecord value = null;
        List<Header> headers = new ArrayList<>();
        long timestamp = NewRecord.NO_TIMESTAMP;
        while (next(p, null) != JsonToken.END_OBJECT) {
            String field = p.currentName();
            JsonToken t = next(p, null);
            switch (field) {
                case "key" -> {
                    hasKey = true;
                    key = envelopeKey(p, t, at);
                }
                case "value" -> value = t == JsonToken.VALUE_NULL ? NewRecord.of(null, (byte[]) null)
                        : value(p, body, 0, options, null, at + "/value", "element " + index + "'s value");
                case "headers" -> headers = headers(p, t, at + "/headers");
                case "timestamp" -> timestamp = timestamp(p, t, at + "/timestamp");
                default -> throw ApiException.badRequest("invalid-envelope", "element " + index + " has an unknown"
                        + " field '" + field + "'; an envelope has key, value, headers and timestamp", null,
                        at + "/" + field);
            }
        }
        if (value == null) {
            throw ApiException.badRequest("invalid-envelope", "element " + index + " has no \"value\"", null,
                    at + "/value");
        }
        byte[] keyBytes = hasKey ? utf8(key) : null;
        List<Header> all = new ArrayList<>(headers);
        all.addAll(options.headers());
        return new NewRecord(keyBytes, value.value(), all, timestamp, NewRecord.ANY_PARTITION);
    }

    private static String envelopeKey(JsonParser p, JsonToken t, String at) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw envelopeError("invalid-envelope", "\"key\" must be a string or null", at + "/key");
        }
        checkSurrogates(p, null);
        return p.getText();
    }

    private static List<Header> headers(JsonParser p, JsonToken t, String at) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw envelopeError("invalid-envelope", "\"headers\" must be an object of string values", at);
        }
        List<Header> out = new ArrayList<>();
        while (next(p, null) != JsonToken.END_OBJECT) {
            String name = p.currentName();
            if (name.regionMatches(true, 0, RESERVED_HEADER_PREFIX, 0, RESERVED_HEADER_PREFIX.length())) {
                throw ApiException.badRequest("invalid-envelope", "header '" + name + "': names starting with '"
                        + RESERVED_HEADER_PREFIX + "' are reserved for Faucet", null, at + "/" + name);
            }
            if (name.isEmpty() || name.length() > MAX_HEADER_NAME) {
                throw envelopeError("invalid-envelope", "a header name has 1 to " + MAX_HEADER_NAME
                        + " characters", at + "/" + name);
            }
            if (next(p, null) != JsonToken.VALUE_STRING) {
                throw envelopeError("invalid-envelope", "header '" + name + "' must have a string value",
                        at + "/" + name);
            }
            checkSurrogates(p, null);
            out.add(Header.of(name, p.getText()));
        }
        return out;
    }

    private static long timestamp(JsonParser p, JsonToken t, String at) throws IOException {
        long ms;
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG) {
                ms = -1;
            } else {
                ms = p.getLongValue();
            }
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                ms = Instant.parse(p.getText()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw envelopeError("invalid-timestamp", "\"timestamp\" '" + p.getText() + "' is not an RFC"
                        + " 3339 time such as 2026-11-27T10:00:00Z", at);
            }
        } else {
            throw envelopeError("invalid-timestamp", "\"timestamp\" must be RFC 3339 text or epoch"
                    + " milliseconds", at);
        }
        if (ms < 0 || ms > MAX_TIMESTAMP) {
            throw envelopeError("invalid-timestamp", "\"timestamp\" must lie between 1970-01-01T00:00:00Z and"
                    + " 9999-12-31T23:59:59.999Z", at);
        }
        return ms;
    }

    /** A 400 for one field of one envelope; the detail names where, e.g. {@code (at /2/timestamp)}. */
    private static ApiException envelopeError(String type, String detail, String pointer) {
        return ApiException.badRequest(type, detail + " (at " + pointer + ")", null, pointer);
    }

    // ---- one value ----

    /** The value at the current token, as the bytes the client sent, with its key when {@code ?key=} asks. */
    private NewRecord value(JsonParser p, byte[] body, int base, Options options, Integer line, String pointer,
            String what) throws IOException {
        int start = base + (int) p.currentTokenLocation().getByteOffset();
        KeyFinder keys = new KeyFinder(options.keyField());
        walk(p, keys, line);
        int end = base + (int) p.currentLocation().getByteOffset();
        if (end - start > maxRecordBytes) {
            throw new ApiException(413, "record-too-large", what + " is " + (end - start) + " bytes; the limit for one"
                    + " record (limits.maxRecord) is " + maxRecordBytes,
                    List.of(new ApiException.ProblemError(line, pointer, "record too large")), Map.of());
        }
        byte[] key = null;
        if (options.keyField() != null) {
            if (keys.problem != null) {
                throw ApiException.badRequest("missing-key", what + " " + keys.problem + " (?key="
                        + options.keyField() + ")", line, pointer + "/" + options.keyField());
            }
            key = utf8(keys.key);
        }
        while (end > start && isJsonSpace(body[end - 1])) {
            end--; // Jackson reads one character past a root-level number
        }
        options.perRecord().run();
        byte[] value = Arrays.copyOfRange(body, start, end);
        return new NewRecord(key, value, options.headers(), NewRecord.NO_TIMESTAMP, NewRecord.ANY_PARTITION);
    }

    /** Looks for the {@code ?key=} field at the top level of an object while the value is walked. */
    private static final class KeyFinder {
        final String field;
        String key;
        String problem;

        KeyFinder(String field) {
            this.field = field;
            this.problem = field == null ? null : "has no field '" + field + "'";
        }
    }

    /** Reads through the value at the current token, checking every string; leaves the parser on its last token. */
    private void walk(JsonParser p, KeyFinder keys, Integer line) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            checkSurrogates(p, line);
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            if (keys.field != null) {
                keys.problem = "is not a JSON object, so it has no field '" + keys.field + "'";
            }
            return;
        }
        if (t == JsonToken.START_ARRAY && keys.field != null) {
            keys.problem = "is a JSON array, not an object with a field '" + keys.field + "'";
        }
        int depth = 1;
        while (depth > 0) {
            t = next(p, line);
            if (t == null) {
                throw ApiException.badRequest("invalid-json", "the JSON ends in the middle of a value", line, null);
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case FIELD_NAME -> {
                    checkSurrogates(p, line);
                    if (depth == 1 && keys.field != null && keys.field.equals(p.currentName())) {
                        keyValue(p, keys, line);
                    }
                }
                case VALUE_STRING -> checkSurrogates(p, line);
                default -> {
                }
            }
        }
    }

    private void keyValue(JsonParser p, KeyFinder keys, Integer line) throws IOException {
        JsonToken v = next(p, line);
        switch (v) {
            case VALUE_STRING -> {
                checkSurrogates(p, line);
                keys.key = p.getText();
                keys.problem = null;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                keys.key = p.getText();
                keys.problem = null;
            }
            case VALUE_NULL -> keys.problem = "has null in field '" + keys.field + "'";
            default -> {
                keys.problem = "has an object or array in field '" + keys.field + "'; a key is a string or number";
                walk(p, new KeyFinder(null), line);
            }
        }
    }

    private static JsonToken next(JsonParser p, Integer line) throws IOException {
        return p.nextToken();
    }

    /** Escaped lone surrogates ({@code "\uD800"}) decode to unpaired UTF-16 halves, which UTF-8 cannot carry. */
    private static void checkSurrogates(JsonParser p, Integer line) throws IOException {
        char[] text = p.getTextCharacters();
        int end = p.getTextOffset() + p.getTextLength();
        for (int i = p.getTextOffset(); i < end; i++) {
            char c = text[i];
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                int at = line != null ? line : p.currentTokenLocation().getLineNr();
                String pointer = p.getParsingContext().pathAsPointer().toString();
                throw ApiException.badRequest("invalid-json", "a string holds a lone UTF-16 surrogate (\\u"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + "), which is not text (line "
                        + at + (pointer.isEmpty() ? "" : ", at " + pointer) + ")", at, pointer);
            }
        }
    }

    private ApiException parseError(IOException e, Integer line) {
        if (e instanceof StreamConstraintsException c) {
            String detail = c.getMessage().contains("nesting") || c.getMessage().contains("depth")
                    ? "the JSON is nested deeper than " + maxDepth + " levels (limits.maxJsonDepth)"
                    : "the JSON exceeds a parser limit: " + withoutHints(c.getOriginalMessage());
            return ApiException.badRequest("invalid-json", detail + where(line, c), line, pointer(c));
        }
        if (e instanceof JsonProcessingException j) {
            int at = line != null ? line : j.getLocation() == null ? -1 : j.getLocation().getLineNr();
            String message = withoutHints(j.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:.*?]\\)",
                    "").replaceAll("\\s*\\n.*", "").replaceAll("[\\r\\n]", " "));
            String pointer = pointer(j);
            String in = pointer == null || pointer.isEmpty() ? "" : " (in " + pointer + ")";
            return ApiException.badRequest("invalid-json", "malformed JSON" + where(line, j) + in + ": " + message,
                    at > 0 ? at : null, pointer);
        }
        return ApiException.badRequest("invalid-json", "cannot read the body: " + e.getMessage(), line, null);
    }

    /** Where in the value (line) the parser stopped, as a JSON pointer such as {@code /2/name}; null if unknown. */
    private static String pointer(JsonProcessingException e) {
        return e.getProcessor() instanceof JsonParser p ? p.getParsingContext().pathAsPointer().toString() : null;
    }

    /** Drops the parser's advice to its programmer (features to enable, getters), which clients cannot use. */
    private static String withoutHints(String message) {
        return message.replaceAll(":? *enable `[^`]*` to allow", "").replaceAll(", from `[^`]*`", "")
                .replaceAll(" \\(not recognized as one since Feature '[A-Z_]+' not enabled for parser\\)", "");
    }

    private static String where(Integer line, JsonProcessingException e) {
        if (line != null) {
            return " on line " + line;
        }
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] b, byte v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return to;
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
