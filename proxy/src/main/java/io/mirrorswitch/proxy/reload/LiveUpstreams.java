package io.mirrorswitch.proxy.reload;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.health.HealthBoard;
import io.mirrorswitch.health.HealthChecker;
import io.mirrorswitch.health.Prober;
import io.mirrorswitch.health.UpstreamProbe;
import io.mirrorswitch.proxy.relay.UpstreamClients;
import io.mirrorswitch.upstream.TokenCacheListener;
import io.mirrorswitch.upstream.UpstreamClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * The parts of a running mirrorswitch that follow the config file: the upstream clients the relay uses, the
 * health board's upstream list and settings, and the health checker probing them. {@link #apply} swaps them
 * without stopping anything in flight: a request keeps the clients it started with, and new requests see the
 * new ones.
 *
 * <p>The client pool handed to the relay keeps a client for every upstream name ever configured (the latest
 * settings for each name): a request that read the pool just before a reload and its candidates just after
 * still finds a client for every candidate, and a request still failing over through a removed upstream
 * finishes normally. Only the board decides which upstreams are candidates.
 */
public final class LiveUpstreams implements Supplier<UpstreamClients>, AutoCloseable {
    private final OkHttpClient http;
    private final Clock clock;
    private final HealthBoard board;
    private final ScheduledExecutorService scheduler;
    private final TokenCacheListener tokenCache;
    private final Function<HealthConfig, UpstreamProbe> probes;
    private final boolean activeChecks;
    private final Map<String, UpstreamConfig> everConfigured = new LinkedHashMap<>();
    private volatile UpstreamClients clients;
    private HealthChecker checker;

    /**
     * @param probes       the probe for given health settings (the real {@link Prober}, possibly metered)
     * @param activeChecks false leaves upstreams unprobed (judged by live traffic only), for protocol tests
     */
    public LiveUpstreams(MirrorswitchConfig config, OkHttpClient http, Clock clock, HealthBoard board,
                         ScheduledExecutorService scheduler, TokenCacheListener tokenCache,
                         Function<HealthConfig, UpstreamProbe> probes, boolean activeChecks) {
        this.http = http;
        this.clock = clock;
        this.board = board;
        this.scheduler = scheduler;
        this.tokenCache = tokenCache;
        this.probes = probes;
        this.activeChecks = activeChecks;
        publishClients(config.upstreams());
        this.checker = newChecker(config);
    }

    /** The clients for requests starting now. */
    @Override
    public UpstreamClients get() {
        return clients;
    }

    /** Starts probing (first round of every upstream at once). */
    public synchronized void start() {
        if (activeChecks) {
            checker.start();
        }
    }

    /**
     * Applies the live part of {@code changes}: new clients first (so every candidate the new board names has
     * one), then the board's upstreams and settings (names that survive keep their health), then a fresh
     * checker when upstreams or health settings changed, which probes every upstream at once.
     */
    public synchronized void apply(MirrorswitchConfig next, ConfigChanges changes) {
        // Everything that can fail is built before anything is swapped: a reload applies whole or not at all.
        boolean reprobe = changes.upstreamsChanged() || changes.healthChanged();
        HealthChecker fresh = reprobe ? newChecker(next) : null;
        if (changes.upstreamsChanged()) {
            publishClients(next.upstreams());
        }
        if (changes.anyLive()) {
            board.replaceUpstreams(next.upstreams(), next.health(), next.selection());
        }
        if (reprobe) {
            checker.stop();
            checker = fresh;
            start();
        }
    }

    @Override
    public synchronized void close() {
        checker.close();
    }

    private void publishClients(List<UpstreamConfig> upstreams) {
        upstreams.forEach(u -> everConfigured.put(u.name(), u));
        clients = new UpstreamClients(new ArrayList<>(everConfigured.values()), http, clock, tokenCache);
    }

    private HealthChecker newChecker(MirrorswitchConfig config) {
        OkHttpClient probeHttp = Prober.probeHttp(http, config.health());
        List<UpstreamClient> probeClients = config.upstreams().stream()
                .map(u -> new UpstreamClient(u, probeHttp, clock, TokenCacheListener.NONE)).toList();
        return HealthChecker.create(board, probes.apply(config.health()), probeClients, scheduler, clock);
    }
}
