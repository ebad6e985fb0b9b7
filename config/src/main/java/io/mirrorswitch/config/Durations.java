package io.mirrorswitch.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)");
    /** Longer than any sensible interval or timeout, and far below what the HTTP client accepts (~596 h). */
    static final Duration MAX = Duration.ofDays(7);
    static final String EXPECTED = "a duration such as 500ms, 30s, 5m or 1h (at most 168h)";

    private Durations() {
    }

    public static Duration parse(String key, Object value) {
        Matcher m = value instanceof String s ? FORM.matcher(s.trim()) : null;
        if (m == null || !m.matches()) {
            throw new ConfigException(key, value, EXPECTED);
        }
        try {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (d.compareTo(MAX) > 0) {
                throw new ArithmeticException("longer than " + MAX);
            }
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(key, value, EXPECTED);
        }
    }

    /** The shortest exact form, so a printed config reads back to the same value. */
    public static String format(Duration d) {
        long ms = d.toMillis();
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
