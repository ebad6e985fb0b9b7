package io.mirrorswitch.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Throughputs such as {@code 32KiB/s}, {@code 1MiB/s} or {@code 500B/s}, in bytes per second. */
public final class ByteRates {
    private static final Pattern FORM = Pattern.compile("(\\d+)(B|KiB|MiB|GiB)/s");

    private ByteRates() {
    }

    public static long parse(String key, Object value) {
        Matcher m = value instanceof String s ? FORM.matcher(s.trim()) : null;
        if (m == null || !m.matches()) {
            throw new ConfigException(key, value, "a rate such as 500B/s, 32KiB/s or 1MiB/s");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "B" -> n;
                case "KiB" -> Math.multiplyExact(n, 1L << 10);
                case "MiB" -> Math.multiplyExact(n, 1L << 20);
                default -> Math.multiplyExact(n, 1L << 30);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(key, value, "a rate such as 500B/s, 32KiB/s or 1MiB/s");
        }
    }

    public static String format(long bytesPerSecond) {
        if (bytesPerSecond > 0 && bytesPerSecond % (1 << 20) == 0) {
            return (bytesPerSecond >> 20) + "MiB/s";
        }
        if (bytesPerSecond > 0 && bytesPerSecond % 1024 == 0) {
            return (bytesPerSecond >> 10) + "KiB/s";
        }
        return bytesPerSecond + "B/s";
    }
}
