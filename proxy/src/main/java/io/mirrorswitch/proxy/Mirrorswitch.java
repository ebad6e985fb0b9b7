package io.mirrorswitch.proxy;

import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.health.HealthBoard;
import io.mirrorswitch.health.HealthChecker;
import io.mirrorswitch.health.Prober;
import io.mirrorswitch.proxy.admin.AdminHandler;
import io.mirrorswitch.proxy.auth.AuthGate;
import io.mirrorswitch.proxy.auth.DownstreamTokens;
import io.mirrorswitch.proxy.auth.TokenEndpoint;
import io.mirrorswitch.proxy.relay.RelayHandler;
import io.mirrorswitch.proxy.relay.RelayListener;
import io.mirrorswitch.proxy.relay.TransferWatchdog;
import io.mirrorswitch.proxy.relay.UpstreamClients;
import io.mirrorswitch.upstream.TokenCacheListener;
import io.mirrorswitch.upstream.UpstreamClient;
import io.mirrorswitch.upstream.UpstreamHttp;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running sidecar: the registry port, the admin port, the health checker, and what they share. */
public final class Mirrorswitch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mirrorswitch.class);

    private final Undertow registryServer;
    private final Undertow adminServer;
    private final OkHttpClient http;
    private final TransferWatchdog watchdog;
    private final HealthChecker checker;
    private final ScheduledExecutorService scheduler;
    private final HealthBoard board;

    private Mirrorswitch(Undertow registryServer, Undertow adminServer, OkHttpClient http, TransferWatchdog watchdog,
                         HealthChecker checker, ScheduledExecutorService scheduler, HealthBoard board) {
        this.registryServer = registryServer;
        this.adminServer = adminServer;
        this.http = http;
        this.watchdog = watchdog;
        this.checker = checker;
        this.scheduler = scheduler;
        this.board = board;
    }

    public static Mirrorswitch start(MirrorswitchConfig config) {
        return start(config, true);
    }

    /**
     * @param activeHealthChecks false leaves upstreams unprobed (candidates in priority order, judged by live
     *                           traffic only): protocol tests use it so that only the request path talks upstream
     */
    public static Mirrorswitch start(MirrorswitchConfig config, boolean activeHealthChecks) {
        Clock clock = Clock.systemUTC();
        OkHttpClient http = UpstreamHttp.client(config.timeouts());
        UpstreamClients clients = new UpstreamClients(config.upstreams(), http, clock, TokenCacheListener.NONE);
        HealthBoard board = HealthBoard.of(config, clock);
        DownstreamTokens tokens = new DownstreamTokens(clock);
        AuthGate authGate = new AuthGate(tokens, config.publicUrl());
        TransferWatchdog watchdog = new TransferWatchdog(config.timeouts());
        RelayHandler relay = new RelayHandler(board, () -> clients, watchdog, RelayListener.NONE, clock,
                config.failover().tagNotFoundRetries(), authGate::putChallenge);
        RegistryPortHandler registryHandler = new RegistryPortHandler(new TokenEndpoint(tokens, clock), authGate, relay);

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
                .setHandler(new AdminHandler(board::snapshot))
                .build();
        try {
            admin.start();
        } catch (RuntimeException e) {
            registry.stop();
            throw e;
        }

        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "health-scheduler");
            t.setDaemon(true);
            return t;
        });
        OkHttpClient probeHttp = Prober.probeHttp(http, config.health());
        List<UpstreamClient> probeClients = config.upstreams().stream()
                .map(u -> new UpstreamClient(u, probeHttp, clock, TokenCacheListener.NONE)).toList();
        HealthChecker checker = HealthChecker.create(board, new Prober(config.health(), clock), probeClients, scheduler, clock);
        if (activeHealthChecks) {
            checker.start();
        }

        Mirrorswitch running = new Mirrorswitch(registry, admin, http, watchdog, checker, scheduler, board);
        LOG.info("mirrorswitch listening on {} (admin {}), upstreams {}", config.listen().host() + ":" + running.port(),
                config.admin().host() + ":" + running.adminPort(),
                config.upstreams().stream().map(u -> u.name() + "=" + u.origin()).toList());
        return running;
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

    @Override
    public void close() {
        checker.close();
        scheduler.shutdownNow();
        registryServer.stop();
        adminServer.stop();
        watchdog.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
