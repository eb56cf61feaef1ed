package dev.faucet.engine.yaml;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as pipeline files write them: a whole number and a unit, {@code 100ms}, {@code 5s}, {@code 10m}. */
final class Durations {
    static final String UNITS = "ms, s, m, h, d";
    static final String PATTERN = "^[0-9]+(ms|s|m|h|d)$";
    static final String POSITIVE_PATTERN = "^0*[1-9][0-9]*(ms|s|m|h|d)$";

    private static final Pattern FORM = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration, or null when {@code text} is not one (or too long to represent). */
    static Duration parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            return Duration.of(Long.parseLong(m.group(1)), unit(m.group(2)));
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    /** The shortest exact spelling: {@code 1500ms}, {@code 5s}, {@code 10m}. */
    static String format(Duration d) {
        if (d.getSeconds() > Long.MAX_VALUE / 1000 - 1) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms != 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static ChronoUnit unit(String u) {
        return switch (u) {
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
    }
}
