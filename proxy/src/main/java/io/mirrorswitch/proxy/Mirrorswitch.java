package io.mirrorswitch.proxy;

import io.mirrorswitch.config.ConfigException;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.health.HealthBoard;
import io.mirrorswitch.health.Prober;
import io.mirrorswitch.proxy.admin.AdminHandler;
import io.mirrorswitch.proxy.auth.AuthGate;
import io.mirrorswitch.proxy.auth.DownstreamTokens;
import io.mirrorswitch.proxy.auth.TokenEndpoint;
import io.mirrorswitch.proxy.metrics.Metrics;
import io.mirrorswitch.proxy.reload.ConfigFileWatcher;
import io.mirrorswitch.proxy.reload.ConfigReloader;
import io.mirrorswitch.proxy.reload.LiveUpstreams;
import io.mirrorswitch.proxy.reload.ReloadResult;
import io.mirrorswitch.proxy.relay.RelayHandler;
import io.mirrorswitch.proxy.relay.TransferWatchdog;
import io.mirrorswitch.upstream.UpstreamHttp;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running sidecar: the registry port, the admin port, the health checker, the metrics and the config reload,
 * and what they share.
 */
public final class Mirrorswitch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mirrorswitch.class);

    private final Undertow registryServer;
    private final Undertow adminServer;
    private final OkHttpClient http;
    private final TransferWatchdog watchdog;
    private final LiveUpstreams upstreams;
    private final ScheduledExecutorService scheduler;
    private final HealthBoard board;
    private final Metrics metrics;
    private final ConfigReloader reloader;
    private volatile ConfigFileWatcher watcher;

    private Mirrorswitch(Undertow registryServer, Undertow adminServer, OkHttpClient http, TransferWatchdog watchdog,
                         LiveUpstreams upstreams, ScheduledExecutorService scheduler, HealthBoard board, Metrics metrics,
                         ConfigReloader reloader) {
        this.registryServer = registryServer;
        this.adminServer = adminServer;
        this.http = http;
        this.watchdog = watchdog;
        this.upstreams = upstreams;
        this.scheduler = scheduler;
        this.board = board;
        this.metrics = metrics;
        this.reloader = reloader;
    }

    public static Mirrorswitch start(MirrorswitchConfig config) {
        return start(config, true);
    }

    /**
     * A sidecar on a config given in code: nothing to reload.
     *
     * @param activeHealthChecks false leaves upstreams unprobed (candidates in priority order, judged by live
     *                           traffic only): protocol tests use it so that only the request path talks upstream
     */
    public static Mirrorswitch start(MirrorswitchConfig config, boolean activeHealthChecks) {
        return start(config, new byte[0], Optional.empty(), ConfigLoader.withSystemEnv(), activeHealthChecks);
    }

    /**
     * {@code serve --config FILE}: reads the file (a {@link ConfigException} when it is invalid), starts, and
     * re-reads it on {@code POST /reload} and, with {@code watchFile}, whenever it changes.
     */
    public static Mirrorswitch start(Path configFile, ConfigLoader loader, boolean activeHealthChecks, boolean watchFile) {
        byte[] text;
        try {
            text = Files.readAllBytes(configFile);
        } catch (IOException e) {
            throw ConfigException.of(configFile + ": cannot read config file (" + e + ")");
        }
        MirrorswitchConfig config = loader.parse(new String(text, StandardCharsets.UTF_8));
        Mirrorswitch running = start(config, text, Optional.of(configFile), loader, activeHealthChecks);
        if (watchFile) {
            running.watch(configFile);
        }
        return running;
    }

    private static Mirrorswitch start(MirrorswitchConfig config, byte[] configText, Optional<Path> configFile,
                                      ConfigLoader loader, boolean activeHealthChecks) {
        Clock clock = Clock.systemUTC();
        OkHttpClient http = UpstreamHttp.client(config.timeouts());
        HealthBoard board = HealthBoard.of(config, clock);
        Metrics metrics = new Metrics(board::snapshot);
        board.addSwitchListener(metrics.switches());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "health-scheduler");
            t.setDaemon(true);
            return t;
        });
        LiveUpstreams upstreams = new LiveUpstreams(config, http, clock, board, scheduler, metrics.tokenCache(),
                health -> metrics.probes().metered(new Prober(health, clock)), activeHealthChecks);
        ConfigReloader reloader = new ConfigReloader(configFile, configText, config, loader, upstreams, metrics.reloads(), clock);

        DownstreamTokens tokens = new DownstreamTokens(clock);
        AuthGate authGate = new AuthGate(tokens, config.publicUrl());
        TransferWatchdog watchdog = new TransferWatchdog(config.timeouts());
        RelayHandler relay = new RelayHandler(board, upstreams, watchdog, metrics.relay(), clock,
                config.failover().tagNotFoundRetries(), authGate::putChallenge);
        RegistryPortHandler registryHandler = new RegistryPortHandler(new TokenEndpoint(tokens, clock), authGate, relay,
                metrics.requests());

        // The registry port listens first: registry:2 pings us while starting and must get an answer at once,
        // whatever the upstreams are doing.
        Undertow registry = Undertow.builder()
                .addHttpListener(config.listen().port(), config.listen().host())
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setWorkerThreads(256)
                .setHandler(registryHandler)
                .build();
        registry.start();
        Undertow admin = Undertow.builder()
                .addHttpListener(config.admin().port(), config.admin().host())
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(new AdminHandler(board::snapshot, reloader, metrics))
                .build();
        try {
            admin.start();
        } catch (RuntimeException e) {
            registry.stop();
            throw e;
        }
        upstreams.start();

        Mirrorswitch running = new Mirrorswitch(registry, admin, http, watchdog, upstreams, scheduler, board, metrics, reloader);
        LOG.info("mirrorswitch listening on {} (admin {}), upstreams {}{}", config.listen().host() + ":" + running.port(),
                config.admin().host() + ":" + running.adminPort(),
                config.upstreams().stream().map(u -> u.name() + "=" + u.origin()).toList(),
                configFile.map(f -> ", config " + f).orElse(""));
        return running;
    }

    private void watch(Path configFile) {
        try {
            watcher = ConfigFileWatcher.start(configFile, reloader);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot watch {} for changes ({}); POST /reload on the admin port still reloads it", configFile, e.toString());
        }
    }

    /** The bound registry port (useful when the config asked for port 0). */
    public int port() {
        return ((InetSocketAddress) registryServer.getListenerInfo().get(0).getAddress()).getPort();
    }

    public int adminPort() {
        return ((InetSocketAddress) adminServer.getListenerInfo().get(0).getAddress()).getPort();
    }

    public HealthBoard board() {
        return board;
    }

    /** Re-reads the config file now, as {@code POST /reload} does. */
    public ReloadResult reload() {
        return reloader.reload("reload()");
    }

    /** The config in force (the last one applied). */
    public MirrorswitchConfig config() {
        return reloader.running();
    }

    @Override
    public void close() {
        ConfigFileWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        upstreams.close();
        scheduler.shutdownNow();
        registryServer.stop();
        adminServer.stop();
        watchdog.close();
        metrics.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
