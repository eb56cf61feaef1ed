package dev.faucet.bench.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --name value} options of one HTTP benchmark command. Each getter takes its option out, with a default;
 * {@link #done()} then refuses whatever is left, so a misspelt option is an error instead of being ignored. Switches
 * (options without a value) are declared up front.
 */
public final class Flags {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Flags(String command) {
        this.command = command;
    }

    public static Flags parse(String command, List<String> args, List<String> switches) {
        Flags f = new Flags(command);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(command + ": unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            if (switches.contains(name)) {
                f.values.put(name, "true");
            } else if (i + 1 < args.size()) {
                f.values.put(name, args.get(++i));
            } else {
                throw new IllegalArgumentException(command + ": " + a + " needs a value");
            }
        }
        return f;
    }

    public String string(String name, String dflt) {
        String v = values.remove(name);
        return v == null ? dflt : v;
    }

    boolean present(String name) {
        return values.remove(name) != null;
    }

    public int integer(String name, int dflt) {
        String v = values.remove(name);
        try {
            return v == null ? dflt : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " takes a whole number, not '" + v + "'");
        }
    }

    /** A duration such as {@code 20s}, {@code 500ms} or {@code 2m}; a plain number is seconds. */
    Duration duration(String name, Duration dflt) {
        String v = values.remove(name);
        return v == null ? dflt : duration(name, v);
    }

    /** A comma-separated list. */
    List<String> list(String name, String dflt) {
        List<String> out = new ArrayList<>();
        for (String s : string(name, dflt).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    public void done() {
        if (!values.isEmpty()) {
            throw new IllegalArgumentException(command + ": unknown options " + values.keySet());
        }
    }

    private Duration duration(String name, String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " takes a duration such as 20s or 500ms,"
                    + " not '" + v + "'");
        }
    }
}
