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
import io.mirrorswitch.proxy.relay.SharedBlobFetches;
import io.mirrorswitch.proxy.relay.TransferWatchdog;
import io.mirrorswitch.upstream.UpstreamHttp;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.time.Duration;
import org.xnio.Options;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
    /** How long a client may take to send a request head. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** How long a kept-alive client connection may sit without a request. */
    private static final Duration CLIENT_IDLE = Duration.ofSeconds(120);
    /** How long a write to a client may make no progress before the connection is dropped. */
    private static final Duration CLIENT_STALLED = Duration.ofSeconds(60);
    /**
     * How long {@code serve} lets requests in flight finish after SIGTERM ({@link #drainAndClose}). Together with
     * {@link #CLOSE_WAIT} it stays below Kubernetes' default 30 s before SIGKILL, and below the compose file's
     * {@code stop_grace_period}: Docker's own default, 10 s, would kill a drain a third of the way through.
     */
    public static final Duration DRAIN_GRACE = Duration.ofSeconds(25);
    /**
     * How long {@link #close()} waits for request threads once their client connections and upstream calls were
     * cut; what still runs then is logged and left behind.
     */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final Undertow registryServer;
    private final Undertow adminServer;
    private final RequestDrain drain;
    private final InFlightRequests inFlight;
    private final SharedBlobFetches sharedFetches;
    private final OkHttpClient http;
    private final TransferWatchdog watchdog;
    private final LiveUpstreams upstreams;
    private final ScheduledExecutorService scheduler;
    private final HealthBoard board;
    private final Metrics metrics;
    private final ConfigReloader reloader;
    private volatile ConfigFileWatcher watcher;

    private Mirrorswitch(Undertow registryServer, Undertow adminServer, RequestDrain drain,
                         InFlightRequests inFlight, OkHttpClient http, TransferWatchdog watchdog, LiveUpstreams upstreams,
                         ScheduledExecutorService scheduler, HealthBoard board, Metrics metrics, ConfigReloader reloader,
                         SharedBlobFetches sharedFetches) {
        this.registryServer = registryServer;
        this.inFlight = inFlight;
        this.sharedFetches = sharedFetches;
        this.drain = drain;
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
        byte[] text = ConfigLoader.read(configFile);
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
        SharedBlobFetches sharedFetches = new SharedBlobFetches(config.coalescing());
        metrics.relay().bindCoalescing(sharedFetches);
        RelayHandler relay = new RelayHandler(board, upstreams, watchdog, metrics.relay(), clock,
                config.failover().tagNotFoundRetries(), authGate::putChallenge, sharedFetches);
        InFlightRequests inFlight = new InFlightRequests(System::nanoTime);
        RegistryPortHandler registryHandler = new RegistryPortHandler(new TokenEndpoint(tokens, clock), authGate, relay,
                metrics.requests(), inFlight);

        // The registry port listens first: registry:2 pings us while starting and must get an answer at once,
        // whatever the upstreams are doing.
        RequestDrain drain = new RequestDrain(registryHandler, metrics.requests());
        Undertow registry = Undertow.builder()
                .addHttpListener(config.listen().port(), config.listen().host())
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                // A client that dribbles its request head, idles on a kept-alive connection or stops reading a
                // response must not hold one of the worker threads forever (slowloris, stuck clients).
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) CLIENT_TIMEOUT.toMillis())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) CLIENT_IDLE.toMillis())
                .setSocketOption(Options.WRITE_TIMEOUT, (int) CLIENT_STALLED.toMillis())
                // stop() waits for the worker threads; without a bound, one stuck thread holds close() for good.
                .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, (int) CLOSE_WAIT.toMillis())
                .setWorkerThreads(256)
                .setHandler(drain)
                .build();
        listen(registry, "listen", config.listen().toString());
        Undertow admin = Undertow.builder()
                .addHttpListener(config.admin().port(), config.admin().host())
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) CLIENT_TIMEOUT.toMillis())
                .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, (int) CLOSE_WAIT.toMillis())
                .setHandler(new AdminHandler(board::snapshot, reloader, metrics, drain::draining))
                .build();
        try {
            listen(admin, "admin", config.admin().toString());
        } catch (RuntimeException e) {
            registry.stop();
            throw e;
        }
        upstreams.start();

        Mirrorswitch running = new Mirrorswitch(registry, admin, drain, inFlight, http, watchdog, upstreams, scheduler,
                board, metrics, reloader, sharedFetches);
        LOG.info("mirrorswitch listening on {} (admin {}), upstreams {}{}", config.listen().host() + ":" + running.port(),
                config.admin().host() + ":" + running.adminPort(),
                config.upstreams().stream().map(u -> u.name() + "=" + u.origin()).toList(),
                configFile.map(f -> ", config " + f).orElse(""));
        return running;
    }

    private static void listen(Undertow server, String key, String address) {
        try {
            server.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(key + " " + address + ": cannot listen (" + cause.getMessage() + ")", e);
        }
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

    /**
     * SIGTERM: stop taking new requests (they get a 503 registry error, and {@code /readyz} answers 503 so that load
     * balancers stop sending any) and let the ones in flight finish, for at most {@code grace}, then close, which
     * cuts what still runs. A rollout then does not cut pulls mid-blob.
     */
    public void drainAndClose(Duration grace) {
        drain.start();
        LOG.info("shutting down: new requests get 503 and /readyz 503; waiting up to {} s for {} request(s) in flight",
                grace.toSeconds(), drain.inFlight());
        try {
            if (!drain.awaitIdle(grace)) {
                LOG.warn("shutting down: cutting the request(s) still in flight after {} s: {}", grace.toSeconds(),
                        inFlight.describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /**
     * Stops now, within about {@link #CLOSE_WAIT}: requests still running are cut. Undertow's stop() waits for the
     * worker threads; shutting its XNIO worker down closes the client connections, which frees a thread blocked
     * writing to a client that stopped reading, but not one blocked on an upstream (waiting for headers or body
     * bytes, up to firstByte or idle per try, then the next candidate): those upstream calls are cut first. A
     * thread stuck anywhere else is waited for {@link #CLOSE_WAIT}, then interrupted, left behind and logged.
     */
    @Override
    public void close() {
        ConfigFileWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        upstreams.close();
        scheduler.shutdownNow();
        drain.start(); // requests arriving from now on get 503 instead of a try that is cut at once
        watchdog.abortAll(RequestDrain.SHUTTING_DOWN);
        http.dispatcher().cancelAll(); // the calls the watchdog does not see: token fetches
        registryServer.stop();
        List<String> stillRunning = inFlight.describe();
        if (!stillRunning.isEmpty()) {
            LOG.warn("closed the registry port with {} request(s) still running after waiting {} ms; their threads were "
                    + "interrupted and left behind: {}", stillRunning.size(), CLOSE_WAIT.toMillis(), stillRunning);
        }
        sharedFetches.close();
        adminServer.stop();
        watchdog.close();
        metrics.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        LOG.info("mirrorswitch stopped");
    }
}
