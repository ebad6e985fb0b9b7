package io.mirrorswitch.proxy.reload;

import static io.mirrorswitch.proxy.metrics.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.health.HealthBoard;
import io.mirrorswitch.health.Prober;
import io.mirrorswitch.proxy.CapturedLog;
import io.mirrorswitch.proxy.metrics.Metrics;
import io.mirrorswitch.upstream.TokenCacheListener;
import io.mirrorswitch.upstream.UpstreamHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigReloader#reloadIfChanged} as the file watcher drives it, one call per burst of directory events:
 * each call here stands for one event, so no watcher thread and no waiting is involved.
 */
class ConfigReloaderTest {
    private static final String TRIGGER = "config file changed";
    private static final String CONFIG = """
            upstreams:
              - {name: a, url: 'http://127.0.0.1:1'}
            """;

    @TempDir
    Path dir;
    private Path file;
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final ConfigLoader loader = new ConfigLoader(Map.of());
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Metrics metrics;
    private LiveUpstreams live;
    private ConfigReloader reloader;
    private CapturedLog log;

    @BeforeEach
    void start() throws Exception {
        file = Files.writeString(dir.resolve("config.yaml"), CONFIG);
        byte[] text = Files.readAllBytes(file);
        MirrorswitchConfig config = loader.parse(CONFIG);
        HealthBoard board = HealthBoard.of(config, clock);
        metrics = new Metrics(board::snapshot);
        live = new LiveUpstreams(config, UpstreamHttp.client(config.timeouts()), clock, board, scheduler,
                TokenCacheListener.NONE, health -> new Prober(health, clock), false);
        reloader = new ConfigReloader(Optional.of(file), text, config, loader, live, metrics.reloads(), clock);
        log = new CapturedLog();
    }

    @AfterEach
    void stop() {
        log.close();
        live.close();
        metrics.close();
        scheduler.shutdownNow();
    }

    private long refusedLines() {
        return log.text().lines().filter(l -> l.contains("refused, the running config stays")).count();
    }

    private Optional<Double> metric(String name, String... labels) {
        return sample(metrics.scrape(), name, labels);
    }

    /** A log line written next to the config file: one more event in the watched directory. */
    private void logLineInTheSameDirectory(int n) throws Exception {
        Files.writeString(dir.resolve("mirrorswitch.log"), "line " + n + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Test
    void aDeletedFileIsRefusedOnceNotAtEveryEventInItsDirectory() throws Exception {
        Files.delete(file);

        Optional<ReloadResult> first = reloader.reloadIfChanged(TRIGGER);

        assertEquals(ReloadResult.REFUSED, first.orElseThrow().result());
        assertEquals(file + ": cannot read config file (no such file)", first.get().message());
        for (int event = 1; event <= 20; event++) {
            logLineInTheSameDirectory(event);
            assertEquals(Optional.empty(), reloader.reloadIfChanged(TRIGGER), "event " + event + ": nothing changed");
        }
        assertEquals(Optional.of(1.0), metric("mirrorswitch_config_reloads_total", "result", "refused"));
        assertEquals(1, refusedLines(), "logged once:\n" + log.text());
        assertEquals(Optional.of(0.0), metric("mirrorswitch_config_last_reload_ok"));
        assertEquals(file + ": cannot read config file (no such file)", reloader.status().get("lastError"));
    }

    @Test
    void puttingBackTheFileInForceClearsTheError() throws Exception {
        Path aside = dir.resolve("x");
        Files.move(file, aside);
        assertEquals(ReloadResult.REFUSED, reloader.reloadIfChanged(TRIGGER).orElseThrow().result());
        logLineInTheSameDirectory(1);
        assertEquals(Optional.empty(), reloader.reloadIfChanged(TRIGGER));

        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
        Optional<ReloadResult> restored = reloader.reloadIfChanged(TRIGGER);

        assertEquals(ReloadResult.UNCHANGED, restored.orElseThrow().result(), "the identical file is seen again");
        assertNull(reloader.status().get("lastError"), "the file on disk is the config in force");
        assertNull(reloader.status().get("lastErrorAt"));
        assertEquals(Optional.of(1.0), metric("mirrorswitch_config_last_reload_ok"));
        assertEquals(Optional.empty(), reloader.reloadIfChanged(TRIGGER), "and then it is unchanged");
    }

    @Test
    void aFileThatFailsDifferentlyIsReportedAgain() throws Exception {
        Files.writeString(file, "upstreams: [{name: a, url: 'ftp://nope'}]\n");
        assertEquals(ReloadResult.REFUSED, reloader.reloadIfChanged(TRIGGER).orElseThrow().result());
        assertEquals(Optional.empty(), reloader.reloadIfChanged(TRIGGER), "the same bytes");

        Files.delete(file);
        Optional<ReloadResult> deleted = reloader.reloadIfChanged(TRIGGER);

        assertTrue(deleted.orElseThrow().message().endsWith("(no such file)"), deleted.get().message());
        assertEquals(Optional.of(2.0), metric("mirrorswitch_config_reloads_total", "result", "refused"));
        assertEquals(2, refusedLines(), log.text());
    }

    @Test
    void anExplicitReloadIsAlwaysAnsweredAndCounted() throws Exception {
        Files.delete(file);
        assertEquals(ReloadResult.REFUSED, reloader.reloadIfChanged(TRIGGER).orElseThrow().result());

        ReloadResult asked = reloader.reload("POST /reload");

        assertEquals(ReloadResult.REFUSED, asked.result());
        assertEquals(file + ": cannot read config file (no such file)", asked.message());
        assertEquals(Optional.of(2.0), metric("mirrorswitch_config_reloads_total", "result", "refused"));
        assertEquals(Optional.empty(), reloader.reloadIfChanged(TRIGGER), "the watcher still sees no change");
    }
}
