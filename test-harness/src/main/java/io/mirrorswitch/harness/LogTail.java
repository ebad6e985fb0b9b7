package io.mirrorswitch.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a log file, for exception messages that must explain a failure on their own. */
public final class LogTail {

    private LogTail() {
    }

    public static String of(Path file, int maxLines) {
        if (!Files.exists(file)) {
            return "(no log file at " + file + ")";
        }
        try {
            // Logs of the harness's processes are small; reading the whole file keeps this simple.
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - maxLines), lines.size());
            return String.join("\n", tail);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
