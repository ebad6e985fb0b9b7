package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code docker-registry serve} process (CNCF distribution 2.8) on 127.0.0.1.
 *
 * <p>The port, config and storage are fixed when the object is built, so {@link #stop()} then
 * {@link #start()} brings the same registry back at the same URL with the same content. Output of
 * every run is appended to {@link #logFile()}, which is named in every failure message and kept after
 * close(). Modes (plain, token auth, pull-through proxy, seeded storage) are chosen on the
 * {@link RegistryProcessBuilder}.
 */
public final class RegistryProcess implements AutoCloseable {

    static final String BINARY = System.getProperty("mirrorswitch.harness.registryBinary", "/usr/bin/docker-registry");
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final HttpClient PROBE = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final int port;
    private final Path workDir;
    private final Path storageDir;
    private final Path configFile;
    private final Path logFile;
    private final Duration startTimeout;
    private Process process;

    RegistryProcess(int port, Path workDir, Path storageDir, Path configFile, Duration startTimeout) {
        this.port = port;
        this.workDir = workDir;
        this.storageDir = storageDir;
        this.configFile = configFile;
        this.logFile = workDir.resolve("registry.log");
        this.startTimeout = startTimeout;
    }

    public static RegistryProcessBuilder builder() {
        return new RegistryProcessBuilder();
    }

    /** A started registry without auth, e.g. to push seed images into. */
    public static RegistryProcess startPlain() {
        return builder().start();
    }

    /**
     * Starts the process and waits until it has logged that it listens on its port and
     * {@code GET /v2/} gets any HTTP answer. The log line guards against a port race: another
     * process holding the port would answer the probe while this one dies. Fails, with the log's
     * tail, when the process exits first (a proxy whose remote refuses connections panics) or the
     * start timeout passes (a proxy whose remote never answers hangs before listening).
     */
    public synchronized RegistryProcess start() {
        if (isRunning()) {
            return this;
        }
        long logOffset = logSize();
        appendToLog("=== harness: starting " + BINARY + " serve " + configFile + " at " + Instant.now());
        try {
            process = new ProcessBuilder(BINARY, "serve", configFile.toString())
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new HarnessException("cannot start " + BINARY + " (log: " + logFile + ")", e);
        }
        ProcessReaper.register(process);
        awaitReady(logOffset);
        return this;
    }

    /** SIGTERM, then SIGKILL after a grace period; returns once the process has exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process stopping = process;
        process = null;
        stopping.destroy();
        try {
            if (!stopping.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                stopping.destroyForcibly();
                stopping.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            stopping.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            ProcessReaper.unregister(stopping);
        }
        appendToLog("=== harness: stopped at " + Instant.now()
                + (stopping.isAlive() ? " (still alive!)" : " (exit code " + stopping.exitValue() + ")"));
    }

    /** The running process's id, e.g. to prove a registry was not restarted; -1 when stopped. */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://" + hostPort();
    }

    /** {@code 127.0.0.1:<port>}, as used in image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The filesystem driver's root directory; survives stop()/start() and close(). */
    public Path storageDir() {
        return storageDir;
    }

    public Path logFile() {
        return logFile;
    }

    public Path configFile() {
        return configFile;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RegistryProcess[" + url() + ", log=" + logFile + "]";
    }

    private void awaitReady(long logOffset) {
        Instant deadline = Instant.now().plus(startTimeout);
        HttpRequest ping = HttpRequest.newBuilder(URI.create(url() + "/v2/"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        try {
            while (true) {
                if (!process.isAlive()) {
                    int exitCode = process.exitValue();
                    ProcessReaper.unregister(process);
                    process = null;
                    throw new HarnessException("docker-registry exited with code " + exitCode + " before answering on "
                            + url() + "; log " + logFile + ":\n" + LogTail.of(logFile, 30));
                }
                if (loggedListening(logOffset) && answers(ping)) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    stop();
                    throw new HarnessException("docker-registry did not answer GET " + url() + "/v2/ within "
                            + startTimeout + "; log " + logFile + ":\n" + LogTail.of(logFile, 30));
                }
                Thread.sleep(25); // poll interval while the port opens
            }
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while starting registry (log: " + logFile + ")", e);
        }
    }

    /** Any HTTP status counts: token-auth registries answer 401. */
    private static boolean answers(HttpRequest ping) throws InterruptedException {
        try {
            PROBE.send(ping, HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private boolean loggedListening(long logOffset) {
        try (SeekableByteChannel channel = Files.newByteChannel(logFile)) {
            channel.position(logOffset);
            String written = new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
            return written.contains("msg=\"listening on " + hostPort() + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read registry log " + logFile, e);
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read registry log " + logFile, e);
        }
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write registry log " + logFile, e);
        }
    }
}
