package io.mirrorswitch.harness.bench;

import io.mirrorswitch.harness.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The real sidecar: {@code java <flags> -jar mirrorswitch.jar serve --config FILE} as a separate process, so its
 * RSS and start-up are its own. The JVM flags default to the Dockerfile's ENTRYPOINT.
 */
final class MirrorswitchProcess implements AutoCloseable {
    static final String DEFAULT_FLAGS = "-XX:+UseSerialGC -Xss512k -Xmn32m";

    final int port;
    final int adminPort;
    final ChildProcess process;
    /** Nanoseconds from process spawn to the first 200 from /healthz. */
    final long startToHealthyNanos;

    private MirrorswitchProcess(int port, int adminPort, ChildProcess process, long startToHealthyNanos) {
        this.port = port;
        this.adminPort = adminPort;
        this.process = process;
        this.startToHealthyNanos = startToHealthyNanos;
    }

    static List<String> jvmFlags() {
        String flags = System.getProperty("bench.mirrorswitch.jvmFlags", DEFAULT_FLAGS).trim();
        return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
    }

    static MirrorswitchProcess start(Path jar, Path dir, String name, String upstreamOrigin, List<String> extraFlags)
            throws IOException, InterruptedException {
        return start(jar, dir, name, upstreamOrigin, extraFlags, List.of());
    }

    /**
     * @param settings extra top-level config settings as {@code section.key=value} (e.g. {@code coalescing.enabled=false}),
     *                 appended to the generated config
     */
    static MirrorswitchProcess start(Path jar, Path dir, String name, String upstreamOrigin, List<String> extraFlags,
                                     List<String> settings) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = Ports.free();
        int admin = Ports.free();
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, String.join("\n",
                "listen: 127.0.0.1:" + port,
                "admin: 127.0.0.1:" + admin,
                "upstreams:",
                "  - name: up",
                "    url: " + upstreamOrigin,
                "    priority: 1",
                // Active health checks run as in production, probing an image the bench upstream has.
                "health:",
                "  probe: " + SeedData.TINY_REPO + ":" + SeedData.TINY_TAG,
                "") + settingsYaml(settings));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.addAll(extraFlags);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString()));
        ChildProcess p = ChildProcess.start("mirrorswitch", command, dir.resolve(name + ".log"));
        try {
            long healthy = awaitHealthy(p, admin, 30_000);
            p.awaitPort(port, 5_000);
            return new MirrorswitchProcess(port, admin, p, healthy - p.startedNanos);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private static String settingsYaml(List<String> settings) {
        java.util.Map<String, List<String>> sections = new java.util.LinkedHashMap<>();
        for (String setting : settings) {
            int dot = setting.indexOf('.');
            int eq = setting.indexOf('=');
            if (dot <= 0 || eq < dot) {
                throw new IllegalArgumentException("a setting is section.key=value, not " + setting);
            }
            sections.computeIfAbsent(setting.substring(0, dot), k -> new ArrayList<>())
                    .add("  " + setting.substring(dot + 1, eq) + ": " + setting.substring(eq + 1));
        }
        StringBuilder yaml = new StringBuilder();
        sections.forEach((section, lines) -> yaml.append(section).append(":\n").append(String.join("\n", lines)).append('\n'));
        return yaml.toString();
    }

    private static long awaitHealthy(ChildProcess p, int adminPort, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.process.isAlive()) {
                throw new IOException("mirrorswitch exited with " + p.process.exitValue() + "; see " + p.log);
            }
            try (Http1 c = new Http1("127.0.0.1", adminPort, 16 * 1024)) {
                if (c.getKeep("/healthz", List.of(), 2_000).status() == 200) {
                    return System.nanoTime();
                }
            } catch (IOException notYet) {
                // connection refused until the admin port listens
            }
            Thread.sleep(5);
        }
        throw new IOException("mirrorswitch /healthz not 200 within " + timeoutMillis + " ms; see " + p.log);
    }

    String origin() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.close();
    }
}
