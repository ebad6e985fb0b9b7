package io.mirrorswitch.proxy;

import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.health.UpstreamSelector;
import io.mirrorswitch.proxy.admin.AdminHandler;
import io.mirrorswitch.proxy.auth.AuthGate;
import io.mirrorswitch.proxy.auth.DownstreamTokens;
import io.mirrorswitch.proxy.auth.TokenEndpoint;
import io.mirrorswitch.proxy.relay.RelayHandler;
import io.mirrorswitch.proxy.relay.UpstreamClients;
import io.mirrorswitch.upstream.TokenCacheListener;
import io.mirrorswitch.upstream.UpstreamHttp;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.time.Clock;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running sidecar: the registry port, the admin port, and what they share. */
public final class Mirrorswitch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mirrorswitch.class);

    private final Undertow registryServer;
    private final Undertow adminServer;
    private final OkHttpClient http;

    private Mirrorswitch(Undertow registryServer, Undertow adminServer, OkHttpClient http) {
        this.registryServer = registryServer;
        this.adminServer = adminServer;
        this.http = http;
    }

    public static Mirrorswitch start(MirrorswitchConfig config) {
        Clock clock = Clock.systemUTC();
        OkHttpClient http = UpstreamHttp.client(config.timeouts());
        UpstreamClients clients = new UpstreamClients(config.upstreams(), http, clock, TokenCacheListener.NONE);
        UpstreamSelector selector = new PriorityOrderSelector(config.upstreams());
        DownstreamTokens tokens = new DownstreamTokens(clock);
        RegistryPortHandler registryHandler = new RegistryPortHandler(
                new TokenEndpoint(tokens, clock), new AuthGate(tokens, config.publicUrl()),
                new RelayHandler(selector, () -> clients));
        Undertow admin = Undertow.builder()
                .addHttpListener(config.admin().port(), config.admin().host())
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(new AdminHandler(config))
                .build();
        admin.start();
        Undertow registry = Undertow.builder()
                .addHttpListener(config.listen().port(), config.listen().host())
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setWorkerThreads(256)
                .setHandler(registryHandler)
                .build();
        try {
            registry.start();
        } catch (RuntimeException e) {
            admin.stop();
            throw e;
        }
        Mirrorswitch running = new Mirrorswitch(registry, admin, http);
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

    @Override
    public void close() {
        registryServer.stop();
        adminServer.stop();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
