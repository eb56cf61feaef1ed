package dev.faucet.engine.yaml;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed views of the values the parser produces for shapes (Map for a mapping, List for a list, String for text). */
final class Values {
    private Values() {
    }

    static Map<?, ?> obj(Object v) {
        return (Map<?, ?>) v;
    }

    static String str(Object obj, String key) {
        return (String) obj(obj).get(key);
    }

    static Duration duration(Object obj, String key) {
        return (Duration) obj(obj).get(key);
    }

    static List<?> items(Object v) {
        return (List<?>) v;
    }

    static List<String> list(Object v) {
        return items(v).stream().map(String.class::cast).toList();
    }

    /** A mapping of text to text, in the order written. */
    static Map<String, String> strings(Object v) {
        Map<String, String> out = new LinkedHashMap<>();
        obj(v).forEach((k, x) -> out.put((String) k, (String) x));
        return out;
    }
}
