package io.mirrorswitch.proxy.reload;

import io.mirrorswitch.config.ConfigException;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.proxy.metrics.ReloadMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the config file and applies it through {@link LiveUpstreams}, or refuses it. A refused file changes
 * nothing: the running config stays, the error line is logged and kept for {@code /status} until a later
 * attempt succeeds. Attempts are serialized; each one is all or nothing because the whole file is validated
 * before anything is applied.
 */
public final class ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Optional<Path> file;
    private final ConfigLoader loader;
    private final LiveUpstreams live;
    private final ReloadMetrics metrics;
    private final Clock clock;
    private final MirrorswitchConfig started;
    private MirrorswitchConfig running;
    /** The file as the last attempt (or the start) saw it. */
    private FileState lastSeen;
    private Instant loadedAt;
    private Optional<Instant> lastAttemptAt = Optional.empty();
    private Optional<String> lastError = Optional.empty();
    private Optional<Instant> lastErrorAt = Optional.empty();
    private List<String> restartNeeded = List.of();

    /**
     * @param file     the file serve was started with; empty when it runs on a config given in code or the
     *                 embedded default, in which case there is nothing to reload
     * @param text     the bytes {@code config} was read from, so an unchanged file is recognized
     */
    public ConfigReloader(Optional<Path> file, byte[] text, MirrorswitchConfig config, ConfigLoader loader,
                          LiveUpstreams live, ReloadMetrics metrics, Clock clock) {
        this.file = file;
        this.loader = loader;
        this.live = live;
        this.metrics = metrics;
        this.clock = clock;
        this.started = config;
        this.running = config;
        this.lastSeen = FileState.read(text);
        this.loadedAt = clock.instant();
    }

    public Optional<Path> file() {
        return file;
    }

    public synchronized MirrorswitchConfig running() {
        return running;
    }

    /**
     * Reads the file and applies it; {@code trigger} says why, for the log ({@code POST /reload}, {@code file changed}).
     * Every call is an attempt that is answered, logged and counted, even when it fails the way the last one did:
     * someone asked.
     */
    public synchronized ReloadResult reload(String trigger) {
        if (file.isEmpty()) {
            return new ReloadResult(ReloadResult.UNAVAILABLE,
                    "nothing to reload: mirrorswitch was started without --config", List.of(), List.of());
        }
        return attempt(trigger, FileState.of(file.get()));
    }

    /**
     * For the file watcher: reloads only when the file differs from what the last attempt saw, where "what it saw"
     * is either the bytes or why the file could not be read. So a file that stays unreadable (deleted, say) is
     * refused, logged and counted once, not at every event in its directory (the log being written there, for
     * one), and putting back the very bytes in force is seen as a change that clears the error.
     */
    public synchronized Optional<ReloadResult> reloadIfChanged(String trigger) {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        FileState now = FileState.of(file.get());
        if (now.equals(lastSeen)) {
            return Optional.empty();
        }
        return Optional.of(attempt(trigger, now));
    }

    private ReloadResult attempt(String trigger, FileState seen) {
        lastAttemptAt = Optional.of(clock.instant());
        lastSeen = seen;
        MirrorswitchConfig next;
        try {
            next = loader.parse(new String(seen.bytes(), StandardCharsets.UTF_8));
        } catch (ConfigException e) {
            return refuse(trigger, e.getMessage());
        }
        ConfigChanges changes = ConfigChanges.between(started, running, next);
        if (changes.anyLive()) {
            try {
                live.apply(next, changes); // builds everything before it swaps anything: a failure changes nothing
            } catch (RuntimeException e) {
                LOG.error("config reload ({}): applying {} failed", trigger, file.get(), e);
                return refuse(trigger, file.get() + ": valid, but it could not be applied (" + e.getMessage() + ")");
            }
        }
        lastError = Optional.empty();
        lastErrorAt = Optional.empty();
        restartNeeded = changes.restartNeeded();
        if (!restartNeeded.isEmpty()) {
            LOG.warn("config {}: {} changed; that takes effect only after a restart", file.get(), String.join(", ", restartNeeded));
        }
        if (!changes.anyLive()) {
            metrics.record(ReloadResult.UNCHANGED);
            LOG.info("config reload ({}): nothing to apply", trigger);
            return new ReloadResult(ReloadResult.UNCHANGED, "nothing to apply", List.of(), restartNeeded);
        }
        running = next;
        loadedAt = clock.instant();
        metrics.record(ReloadResult.APPLIED);
        String summary = String.join("; ", changes.describe());
        LOG.info("config reloaded ({}): {}", trigger, summary);
        return new ReloadResult(ReloadResult.APPLIED, summary, changes.describe(), restartNeeded);
    }

    /** The {@code config} object of {@code /status}. */
    public synchronized Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.map(Path::toString).orElse(null));
        out.put("loadedAt", loadedAt.toString());
        out.put("lastAttemptAt", lastAttemptAt.map(Instant::toString).orElse(null));
        out.put("lastError", lastError.orElse(null));
        out.put("lastErrorAt", lastErrorAt.map(Instant::toString).orElse(null));
        out.put("restartNeeded", restartNeeded);
        return out;
    }

    /**
     * The config file as one attempt saw it: its bytes, or the error line saying why it could not be read. Two
     * states are equal when a reload of either would come to the same thing.
     */
    private record FileState(byte[] text, String unreadable) {
        static FileState of(Path file) {
            try {
                return new FileState(ConfigLoader.read(file), null);
            } catch (ConfigException e) {
                return new FileState(null, e.getMessage());
            }
        }

        static FileState read(byte[] text) {
            return new FileState(text.clone(), null);
        }

        /** The bytes to parse; an unreadable file throws its error line. */
        byte[] bytes() {
            if (text == null) {
                throw ConfigException.of(unreadable);
            }
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FileState other && Arrays.equals(text, other.text)
                    && java.util.Objects.equals(unreadable, other.unreadable);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(text) + java.util.Objects.hashCode(unreadable);
        }
    }

    private ReloadResult refuse(String trigger, String error) {
        lastError = Optional.of(error);
        lastErrorAt = lastAttemptAt;
        metrics.record(ReloadResult.REFUSED);
        LOG.warn("config reload ({}) refused, the running config stays: {}", trigger, error);
        return new ReloadResult(ReloadResult.REFUSED, error, List.of(), restartNeeded);
    }
}
