package io.mirrorswitch.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes such as {@code 2GiB}, {@code 512MiB}, {@code 64KiB} or {@code 1000B}, in bytes. */
public final class ByteSizes {
    private static final Pattern FORM = Pattern.compile("(\\d+)(B|KiB|MiB|GiB|TiB)");
    private static final String EXPECTED = "a size such as 512MiB, 2GiB or 1000B";

    private ByteSizes() {
    }

    public static long parse(String key, Object value) {
        Matcher m = value instanceof String s ? FORM.matcher(s.trim()) : null;
        if (m == null || !m.matches()) {
            throw new ConfigException(key, value, EXPECTED);
        }
        try {
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2)) {
                case "B" -> 0;
                case "KiB" -> 10;
                case "MiB" -> 20;
                case "GiB" -> 30;
                default -> 40;
            };
            return Math.multiplyExact(n, 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(key, value, EXPECTED);
        }
    }

    /** The largest whole unit: {@code 2GiB}, {@code 1536MiB}, {@code 1000B}; reads back to the same number. */
    public static String format(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (40 - 10 * i);
            if (bytes > 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return bytes + "B";
    }
}
