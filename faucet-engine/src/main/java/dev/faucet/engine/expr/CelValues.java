package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values between JSON, CEL and plain Java.
 *
 * <p>Into CEL ({@link #fromJson}): objects and arrays become lazy views, every number a {@code Double}, null CEL's
 * {@link NullValue} (a Java null inside a map would read as "unknown" to CEL). Out of CEL: {@link #toJava} gives
 * plain Java values (null for null), {@link #toJson} JSON, writing integral doubles up to 2^53 as integers.
 */
final class CelValues {

    /** 2^53: beyond it not every integer has a double, so integral doubles stay doubles in JSON. */
    static final double MAX_EXACT_INTEGER = 9007199254740992.0;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CelValues() {
    }

    static Object fromJson(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> new JsonObjectView((ObjectNode) node);
            case ARRAY -> new JsonArrayView((ArrayNode) node);
            case NUMBER -> node.doubleValue();
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NULL, MISSING -> NullValue.NULL_VALUE;
            case BINARY -> CelByteString.of(binary(node));
            case POJO -> node.asText();
        };
    }

    /** A CEL result as plain Java: null, Boolean, Long, Double, String, List, Map, byte[], Instant, Duration. */
    static Object toJava(Object value) {
        if (value instanceof NullValue) {
            return null;
        } else if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(toJava(k), toJava(v)));
            return Collections.unmodifiableMap(copy);
        } else if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(toJava(v)));
            return Collections.unmodifiableList(copy);
        } else if (value instanceof CelByteString bytes) {
            return bytes.toByteArray();
        } else if (value instanceof Number n && !(n instanceof Long || n instanceof Double)) {
            BigInteger unsigned = new BigInteger(n.toString());
            return unsigned.bitLength() < Long.SIZE ? (Object) unsigned.longValue() : unsigned;
        }
        return value;
    }

    /** A CEL result as a new JSON tree; {@link NotJsonException} for NaN and the infinities. */
    static JsonNode toJson(Object value) {
        if (value == null || value instanceof NullValue) {
            return NODES.nullNode();
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof String s) {
            return NODES.textNode(s);
        } else if (value instanceof Double d) {
            return doubleNode(d);
        } else if (value instanceof Long || value instanceof Integer) {
            return integerNode(((Number) value).longValue());
        } else if (value instanceof Number n) {
            return NODES.numberNode(new BigInteger(n.toString()));
        } else if (value instanceof JsonObjectView view) {
            return view.node().deepCopy();
        } else if (value instanceof JsonArrayView view) {
            return view.node().deepCopy();
        }
        return containerOrText(value);
    }

    private static JsonNode containerOrText(Object value) {
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(keyText(k), toJson(v)));
            return object;
        } else if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode(list.size());
            list.forEach(v -> array.add(toJson(v)));
            return array;
        } else if (value instanceof CelByteString bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes.toByteArray()));
        } else if (value instanceof Instant instant) {
            return NODES.textNode(instant.toString());
        } else if (value instanceof Duration duration) {
            return NODES.textNode(durationText(duration));
        } else if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        return NODES.textNode(String.valueOf(value));
    }

    /** A result as text (for keys): strings as they are, numbers as JSON writes them, null as null, else JSON. */
    static String toText(Object value) {
        if (value == null || value instanceof NullValue) {
            return null;
        } else if (value instanceof String s) {
            return s;
        }
        JsonNode json = toJson(value);
        return json.isTextual() ? json.textValue() : json.toString();
    }

    /** A number as JSON would show it: 42 rather than 42.0 for integral doubles up to 2^53. */
    static String numberText(double d) {
        if (d == Math.rint(d) && Math.abs(d) <= MAX_EXACT_INTEGER) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** CEL's name for the type of a runtime value, for messages. */
    static String typeName(Object value) {
        if (value == null || value instanceof NullValue) {
            return "null";
        }
        return switch (value) {
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "double";
            case Number n -> "uint";
            case String s -> "string";
            case CelByteString b -> "bytes";
            case List<?> l -> "list";
            case Map<?, ?> m -> "map";
            case Instant i -> "timestamp";
            case Duration d -> "duration";
            default -> value.getClass().getSimpleName();
        };
    }

    /** A short rendering of a value for messages: its JSON, cut at 60 characters. */
    static String describe(Object value) {
        String text;
        try {
            text = toJson(value).toString();
        } catch (NotJsonException e) {
            text = String.valueOf(value);
        }
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static JsonNode doubleNode(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new NotJsonException(numberText(d));
        }
        if (d == Math.rint(d) && Math.abs(d) <= MAX_EXACT_INTEGER) {
            return integerNode((long) d);
        }
        return NODES.numberNode(d);
    }

    private static JsonNode integerNode(long n) {
        return n == (int) n ? NODES.numberNode((int) n) : NODES.numberNode(n);
    }

    private static String keyText(Object key) {
        String text = toText(key);
        return text == null ? "null" : text;
    }

    private static String durationText(Duration duration) {
        BigDecimal seconds = BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9));
        return seconds.stripTrailingZeros().toPlainString() + "s";
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value JSON cannot hold: NaN or an infinity. The message is the value. */
    static final class NotJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotJsonException(String value) {
            super(value, null, false, false);
        }
    }
}
