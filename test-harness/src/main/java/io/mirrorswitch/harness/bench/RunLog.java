package io.mirrorswitch.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's console output: progress lines stamped with the time since the run began, and the raw per-round
 * numbers, which are also kept for {@code bench-out/raw.txt}.
 */
final class RunLog {
    private final long startNanos = System.nanoTime();
    private final List<String> raw = new ArrayList<>();

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    void progress(String line) {
        System.out.printf(Locale.ROOT, "[bench %5.1fs] %s%n", elapsedSeconds(), line);
    }

    void raw(String line) {
        raw.add(line);
        System.out.println("  " + line);
    }

    void writeRaw(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, raw);
    }

    /** One decimal, as the raw lines print most figures. */
    static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Three decimals, for milliseconds and CPU seconds. */
    static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
