package io.mirrorswitch.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived external tool (keytool, cp, skopeo) with a hard timeout.
 *
 * <p>Output goes to files rather than pipes: a chatty tool can never block on a full pipe, and the
 * files stay behind for diagnosis. Their paths appear in every failure message.
 */
public final class ExternalCommand {

    private final List<String> command;
    private final Map<String, String> environment = new HashMap<>();
    private Duration timeout = Duration.ofSeconds(60);
    private Path logDirectory;
    private String logName;

    private ExternalCommand(List<String> command) {
        this.command = List.copyOf(command);
    }

    public static ExternalCommand of(List<String> command) {
        return new ExternalCommand(command);
    }

    public static ExternalCommand of(String... command) {
        return new ExternalCommand(List.of(command));
    }

    public ExternalCommand timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public ExternalCommand environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Keeps {@code <name>.stdout} / {@code <name>.stderr} in {@code directory}. */
    public ExternalCommand logsIn(Path directory, String name) {
        this.logDirectory = directory;
        this.logName = name;
        return this;
    }

    /** Runs to completion; a timeout or a non-zero exit code throws with both outputs. */
    public Result run() {
        Path directory = logDirectory != null ? logDirectory : HarnessDirectories.newDirectory("command");
        String name = logName != null ? logName : Path.of(command.get(0)).getFileName().toString();
        Path stdoutFile = uniqueFile(directory, name + ".stdout");
        Path stderrFile = uniqueFile(directory, name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(stdoutFile.toFile())
                .redirectError(stderrFile.toFile());
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HarnessException("cannot start " + command, e);
        }
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            destroy(process);
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while running " + command, e);
        }
        if (!finished) {
            destroy(process);
            throw new HarnessException("timed out after " + timeout + ": " + describe(stdoutFile, stderrFile));
        }
        Result result = new Result(process.exitValue(), read(stdoutFile), read(stderrFile), stdoutFile, stderrFile);
        if (result.exitCode() != 0) {
            throw new HarnessException("exit code " + result.exitCode() + ": " + describe(stdoutFile, stderrFile));
        }
        return result;
    }

    private String describe(Path stdoutFile, Path stderrFile) {
        return String.join(" ", command)
                + "\n--- stdout (" + stdoutFile + "):\n" + LogTail.of(stdoutFile, 40)
                + "\n--- stderr (" + stderrFile + "):\n" + LogTail.of(stderrFile, 40);
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Repeated or concurrent runs in one directory (several pulls, say) keep their own logs. */
    private static Path uniqueFile(Path directory, String name) {
        for (int i = 1; ; i++) {
            Path candidate = directory.resolve(i == 1 ? name : name + "." + i);
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            } catch (IOException e) {
                throw new HarnessException("cannot create log file " + candidate, e);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** The outcome of a finished command. */
    public record Result(int exitCode, String stdout, String stderr, Path stdoutFile, Path stderrFile) {
    }
}
