package dev.faucet.engine.yaml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.util.Map;

/**
 * JSON as pipeline files need it: strict parsing of schema files (numbers kept as written: {@code 1.50} stays
 * {@code 1.50}), and two deterministic writers. {@link #line}
 * writes one line that is valid JSON and valid YAML flow alike (so a bundled schema can replace a path in place,
 * keeping every other line where it was); {@link #pretty} writes the published JSON Schema.
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }

    static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** One line: {@code {"type": "object", "required": ["id"]}}. */
    static String line(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, -1);
        return out.toString();
    }

    /** Indented by two spaces, one member per line (a list of plain values on one line), with a final newline. */
    static String pretty(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, 0);
        return out.append('\n').toString();
    }

    private static void write(JsonNode node, StringBuilder out, int indent) {
        if (node.isObject()) {
            out.append('{');
            int i = 0;
            for (Map.Entry<String, JsonNode> m : node.properties()) {
                separate(out, indent, i++);
                quote(m.getKey(), out);
                out.append(": ");
                write(m.getValue(), out, indent < 0 ? -1 : indent + 1);
            }
            close(out, indent, node.size(), '}');
        } else if (node.isArray()) {
            int inner = indent < 0 || scalars(node) ? -1 : indent + 1;
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                separate(out, inner < 0 ? -1 : indent, i);
                write(node.get(i), out, inner);
            }
            close(out, inner < 0 ? -1 : indent, node.size(), ']');
        } else if (node.isTextual()) {
            quote(node.textValue(), out);
        } else if (node.isBigDecimal() || node.isDouble() || node.isFloat()) {
            BigDecimal d = node.decimalValue();
            out.append(Math.abs(d.scale()) > 100 ? d.toString() : d.toPlainString());
        } else {
            out.append(node);
        }
    }

    private static boolean scalars(JsonNode array) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static void separate(StringBuilder out, int indent, int index) {
        if (index > 0) {
            out.append(indent < 0 ? ", " : ",");
        }
        if (indent >= 0) {
            out.append('\n').append("  ".repeat(indent + 1));
        }
    }

    private static void close(StringBuilder out, int indent, int size, char close) {
        if (size > 0 && indent >= 0) {
            out.append('\n').append("  ".repeat(indent));
        }
        out.append(close);
    }

    /**
     * A JSON string that YAML reads the same: control characters, C1 controls, line and paragraph separators and the
     * byte-order mark are escaped, since YAML does not allow them raw.
     */
    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c >= 0xfffe
                            || c == 0xfeff) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
