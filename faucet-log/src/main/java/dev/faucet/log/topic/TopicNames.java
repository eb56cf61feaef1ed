package dev.faucet.log.topic;

import dev.faucet.log.LogException;
import java.util.regex.Pattern;

/**
 * The rules for topic names: {@code [a-zA-Z0-9._-]{1,249}}, not {@code .} or {@code ..} (the name is a directory),
 * and the {@code __faucet.} prefix kept for internal topics. The allowlist leaves no room for path traversal.
 */
public final class TopicNames {
    public static final String INTERNAL_PREFIX = "__faucet.";
    private static final Pattern ALLOWED = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private TopicNames() {
    }

    /** Throws {@link LogException.Kind#INVALID_TOPIC} with the reason when {@code name} is not a valid name. */
    public static void check(String name, boolean internalAllowed) {
        if (name == null || !ALLOWED.matcher(name).matches()) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "invalid topic name " + quote(name)
                    + ": use 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-'");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "invalid topic name '" + name + "'");
        }
        if (!internalAllowed && isInternal(name)) {
            throw new LogException(LogException.Kind.INVALID_TOPIC, "invalid topic name '" + name
                    + "': names starting with '" + INTERNAL_PREFIX + "' are reserved for Faucet's own topics");
        }
    }

    public static boolean isInternal(String name) {
        return name.startsWith(INTERNAL_PREFIX);
    }

    /** The name quoted for an error message, with control characters escaped and long names cut. */
    public static String quote(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("'");
        name.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && Character.isISOControl(c))) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append(name.length() > 80 ? "…'" : "'").toString();
    }
}
