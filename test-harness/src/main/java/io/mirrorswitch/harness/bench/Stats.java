package io.mirrorswitch.harness.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Medians, spreads and percentiles. */
final class Stats {
    private Stats() {
    }

    /** The median and the full range (min–max) of the rounds' values. */
    record Summary(double median, double min, double max, int n) {
        /** Plain text, ASCII numbers ({@code -0.092 (-0.224–0.188)}): for the console. */
        String format(String pattern) {
            if (n == 0) {
                return "n/a";
            }
            if (n == 1) {
                return String.format(Locale.ROOT, pattern, median);
            }
            return String.format(Locale.ROOT, pattern + " (" + pattern + "–" + pattern + ")", median, min, max);
        }

        /**
         * For the Markdown report: negative numbers with a real minus sign (U+2212), so that a range such as
         * {@code −0.224–0.188} does not read as a hyphenated pair; a figure that is not a number (nothing to divide
         * by) is a dash.
         */
        String markdown(String pattern) {
            if (n == 0) {
                return "n/a";
            }
            if (n == 1) {
                return number(pattern, median);
            }
            return number(pattern, median) + " (" + number(pattern, min) + "–" + number(pattern, max) + ")";
        }

        private static String number(String pattern, double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, pattern, v).replace('-', '\u2212') : "—";
        }
    }

    static Summary of(List<Double> values) {
        if (values.isEmpty()) {
            return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Summary(median(sorted), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile of nanosecond samples, in milliseconds. */
    static double percentileMillis(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        int index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
        return sorted[index] / 1e6;
    }

    static double mb(long bytes) {
        return bytes / 1e6;
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
