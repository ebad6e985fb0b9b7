package io.mirrorswitch.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** RSS figures from {@code /proc/<pid>/status}, in bytes. */
final class ProcStatus {
    private ProcStatus() {
    }

    /** Current resident set size. */
    static long rss(long pid) {
        return field(pid, "VmRSS:");
    }

    /** Peak resident set size since start or since the last {@link #resetPeak}. */
    static long peak(long pid) {
        return field(pid, "VmHWM:");
    }

    /** Resets VmHWM to the current RSS ({@code echo 5 > /proc/<pid>/clear_refs}); false when not permitted. */
    static boolean resetPeak(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
