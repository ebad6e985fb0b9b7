package io.mirrorswitch.proxy.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} in headless mode, one process per call with a fresh profile, so a test sees the page
 * as a real browser renders it after its scripts ran ({@code --virtual-time-budget} lets timers and fetches
 * finish). {@code scripts/test} installs the package when it is missing.
 */
final class HeadlessChromium {
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private final Path binary;
    private final Path workDir;

    private HeadlessChromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** The installed browser; fails with what to do when there is none. */
    static HeadlessChromium find(Path workDir) {
        for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return new HeadlessChromium(p, workDir);
            }
        }
        throw new AssertionError("chromium is not installed: run scripts/test (it installs Debian's chromium) "
                + "or apt-get install chromium");
    }

    /** The DOM after the page's scripts ran. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return new String(run(List.of("--virtual-time-budget=3000", "--dump-dom", url)), StandardCharsets.UTF_8);
    }

    /** A PNG of the page as rendered in a window of the given size. */
    void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--virtual-time-budget=3000", url));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot to " + png + " (log: " + workDir.resolve("chromium.log") + ")");
        }
    }

    private byte[] run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(args);
        Path out = workDir.resolve("chromium-" + System.nanoTime() + ".out");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("chromium.log").toFile()))
                .start();
        if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within " + LIMIT + ": " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("chromium exited " + process.exitValue() + " (log: " + workDir.resolve("chromium.log") + ")");
        }
        return Files.readAllBytes(out);
    }
}
