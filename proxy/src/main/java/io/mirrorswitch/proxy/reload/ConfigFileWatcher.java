package io.mirrorswitch.proxy.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config when its file changes. It watches the file's directory, not the file: editors replace
 * files by rename, and a Kubernetes ConfigMap volume swaps a {@code ..data} symlink next to the file, so events
 * on the directory are the reliable signal. Any event starts a short quiet period (editors write in several
 * steps); when no further event arrives within it, {@link ConfigReloader#reloadIfChanged} compares the file
 * with what the last attempt found (its bytes, or why it could not be read) and reloads only a real change, so
 * events that do not touch the file (a log written next to it) cost a read and nothing else. One daemon thread;
 * {@link #close()} ends it.
 */
public final class ConfigFileWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileWatcher.class);
    static final Duration QUIET = Duration.ofMillis(300);

    private final WatchService watcher;
    private final ConfigReloader reloader;
    private final Thread thread;

    private ConfigFileWatcher(WatchService watcher, ConfigReloader reloader) {
        this.watcher = watcher;
        this.reloader = reloader;
        this.thread = new Thread(this::run, "config-watcher");
        thread.setDaemon(true);
    }

    /** Starts watching {@code file}'s directory; a directory that cannot be watched is logged, not fatal. */
    public static ConfigFileWatcher start(Path file, ConfigReloader reloader) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        WatchService service = FileSystems.getDefault().newWatchService();
        try {
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        ConfigFileWatcher watcher = new ConfigFileWatcher(service, reloader);
        watcher.thread.start();
        LOG.info("watching {} for changes (POST /reload on the admin port also reloads)", file);
        return watcher;
    }

    private void run() {
        try {
            while (true) {
                drain(watcher.take());
                // The quiet period: keep absorbing events until none arrives for QUIET.
                WatchKey more;
                while ((more = watcher.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                try {
                    reloader.reloadIfChanged("config file changed");
                } catch (RuntimeException e) {
                    LOG.error("config reload after a file change failed unexpectedly", e);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            LOG.debug("config watcher stopped");
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the config watcher: {}", e.toString());
        }
    }
}
