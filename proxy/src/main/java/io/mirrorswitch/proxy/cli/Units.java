package io.mirrorswitch.proxy.cli;

/** Numbers as the probe table shows them: {@code 412 ms}, {@code 2.31 s}, {@code 1.6 MiB/s}. */
final class Units {
    private Units() {
    }

    static String millis(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        return String.format(java.util.Locale.ROOT, ms < 10_000 ? "%.2f s" : "%.1f s", ms / 1000.0);
    }

    static String rate(long bytesPerSecond) {
        String[] units = {"B/s", "KiB/s", "MiB/s", "GiB/s"};
        double v = bytesPerSecond;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? Math.round(v) + " B/s" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
