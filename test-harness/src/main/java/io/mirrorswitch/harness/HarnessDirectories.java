package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where the harness writes logs, configs, keys and registry storage.
 *
 * <p>Everything of one JVM goes under one run directory so that a failed test's logs can be found
 * after the fact. Files are deliberately kept after close(): the paths printed in exception messages
 * must still point at something. The run directory lives in the consuming module's {@code target/}
 * (removed by {@code mvn clean}) when there is one, else in the system temp dir; the system property
 * {@code mirrorswitch.harness.dir} overrides the parent.
 */
public final class HarnessDirectories {

    private static final Path RUN_ROOT = createRunRoot();

    private HarnessDirectories() {
    }

    /** The directory holding everything this JVM's harness writes. */
    public static Path runRoot() {
        return RUN_ROOT;
    }

    /**
     * A new, empty directory under the run root whose name starts with {@code prefix} (characters
     * unsafe in a file name, e.g. from a service name, become underscores).
     */
    public static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(RUN_ROOT, prefix.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + RUN_ROOT, e);
        }
    }

    private static Path createRunRoot() {
        String override = System.getProperty("mirrorswitch.harness.dir");
        Path parent;
        if (override != null && !override.isBlank()) {
            parent = Path.of(override);
        } else if (Files.isDirectory(Path.of("target"))) {
            parent = Path.of("target", "mirrorswitch-harness");
        } else {
            parent = Path.of(System.getProperty("java.io.tmpdir"), "mirrorswitch-harness");
        }
        String name = "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + ProcessHandle.current().pid();
        try {
            return Files.createDirectories(parent.toAbsolutePath().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create harness run directory under " + parent, e);
        }
    }
}
