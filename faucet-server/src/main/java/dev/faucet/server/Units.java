package dev.faucet.server;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes and durations as people write them, with explicit units so that nothing is ambiguous: sizes {@code 512B},
 * {@code 64KiB}, {@code 16MiB}, {@code 10GiB}, {@code 1TiB} (binary) or {@code KB}, {@code MB}, {@code GB}
 * (decimal); durations {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}. A bare number is refused.
 */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Units() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write a number and a unit, such as 512B,"
                    + " 64KiB, 16MiB, 10GiB (binary) or 10MB (decimal)");
        }
        long unit = switch (m.group(2)) {
            case "B" -> 1;
            case "KB" -> 1000;
            case "KiB" -> 1L << 10;
            case "MB" -> 1000_000;
            case "MiB" -> 1L << 20;
            case "GB" -> 1000_000_000;
            case "GiB" -> 1L << 30;
            case "TB" -> 1000_000_000_000L;
            default -> 1L << 40;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a number and a unit, such as"
                    + " 250ms, 30s, 5m, 1h or 7d");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }

    /** A duration the way {@link #duration} reads it back: the largest whole unit. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
