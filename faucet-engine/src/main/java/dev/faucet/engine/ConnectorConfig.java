package dev.faucet.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connector's settings (a sink's, a lookup's) as written in its pipeline, checked against their declared shape:
 * text, whole numbers, booleans, durations (kept as milliseconds), lists and mappings of text. Text may name
 * environment variables as {@code ${NAME}}; {@link #text} and {@link #map} substitute them when asked, so a
 * pipeline's stored definition never holds the value.
 */
public final class ConnectorConfig {
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private final String type;
    private final ObjectNode settings;
    private final UnaryOperator<String> env;

    public ConnectorConfig(String type, ObjectNode settings) {
        this(type, settings, System::getenv);
    }

    public ConnectorConfig(String type, ObjectNode settings, UnaryOperator<String> env) {
        this.type = type;
        this.settings = settings.deepCopy();
        this.env = env;
    }

    public String type() {
        return type;
    }

    /** The settings as JSON (durations in milliseconds); a copy. */
    public ObjectNode json() {
        return settings.deepCopy();
    }

    public boolean has(String name) {
        return settings.hasNonNull(name);
    }

    /** A text setting with {@code ${ENV}} substituted, or null when absent. */
    public String text(String name) {
        JsonNode n = settings.get(name);
        return n == null || n.isNull() ? null : substitute(n.asText(), name);
    }

    /** A text setting as written, {@code ${ENV}} not substituted: what may be shown or logged. */
    public String raw(String name) {
        JsonNode n = settings.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    public long number(String name, long otherwise) {
        JsonNode n = settings.get(name);
        return n == null || n.isNull() ? otherwise : n.asLong();
    }

    public boolean flag(String name, boolean otherwise) {
        JsonNode n = settings.get(name);
        return n == null || n.isNull() ? otherwise : n.asBoolean();
    }

    public Duration duration(String name, Duration otherwise) {
        JsonNode n = settings.get(name);
        return n == null || n.isNull() ? otherwise : Duration.ofMillis(n.asLong());
    }

    public List<String> list(String name) {
        List<String> out = new ArrayList<>();
        JsonNode n = settings.get(name);
        if (n != null && n.isArray()) {
            n.forEach(v -> out.add(v.asText()));
        } else if (n != null && !n.isNull()) {
            out.add(n.asText());
        }
        return out;
    }

    /** A mapping of text, {@code ${ENV}} substituted in the values. */
    public Map<String, String> map(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode n = settings.get(name);
        if (n != null && n.isObject()) {
            n.properties().forEach(e -> out.put(e.getKey(), substitute(e.getValue().asText(),
                    name + "." + e.getKey())));
        }
        return out;
    }

    /** Environment variables that {@code name}'s text refers to and that are not set. */
    public List<String> missingVariables(String name) {
        List<String> out = new ArrayList<>();
        String raw = raw(name);
        if (raw != null) {
            Matcher m = ENV.matcher(raw);
            while (m.find()) {
                if (env.apply(m.group(1)) == null) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** A problem for each environment variable that one of {@code settings} refers to and that is not set. */
    public List<Problem> unsetVariables(String... settings) {
        List<Problem> out = new ArrayList<>();
        for (String s : settings) {
            for (String v : missingVariables(s)) {
                out.add(new Problem(s, "'" + s + "' refers to the environment variable " + v + ", which is not set"));
            }
        }
        return out;
    }

    private String substitute(String text, String setting) {
        Matcher m = ENV.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                throw new IllegalStateException("the sink setting '" + setting + "' refers to the environment"
                        + " variable " + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return type + " settings";  // never the settings themselves: they may hold credentials
    }

    /** A problem with one setting: its name (a key of the settings, or "" for the whole) and what is wrong. */
    public record Problem(String setting, String message) {
    }
}
