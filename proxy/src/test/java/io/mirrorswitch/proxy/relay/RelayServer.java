package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.health.HealthBoard;
import io.mirrorswitch.proxy.route.RouteParser;
import io.mirrorswitch.upstream.TokenCacheListener;
import io.mirrorswitch.upstream.UpstreamHttp;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The relay by itself on an ephemeral port of 127.0.0.1 (no auth, no admin port, no probes), with the coalescing
 * settings of its config and a listener the test reads. {@link #close()} returns only when every request thread
 * and every producer has ended, so a test can then check that nothing was left behind.
 */
final class RelayServer implements AutoCloseable {
    final SharedBlobFetches fetches;
    /** For each completed request, in completion order, the upstreams its body came from ({@code a,b}), or null. */
    final List<String> contributors = new CopyOnWriteArrayList<>();
    private final Undertow undertow;
    private final ExecutorService producers = Executors.newCachedThreadPool();
    private final TransferWatchdog watchdog;
    private final OkHttpClient http;

    private RelayServer(MirrorswitchConfig config, RelayListener listener) {
        Clock clock = Clock.systemUTC();
        http = UpstreamHttp.client(config.timeouts());
        UpstreamClients clients = new UpstreamClients(config.upstreams(), http, clock, TokenCacheListener.NONE);
        watchdog = new TransferWatchdog(config.timeouts());
        fetches = new SharedBlobFetches(config.coalescing(), producers);
        RelayHandler relay = new RelayHandler(HealthBoard.of(config, clock), () -> clients, watchdog, listener, clock,
                config.failover().tagNotFoundRetries(), (exchange, scope) -> { }, fetches);
        undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setWorkerThreads(32)
                .setHandler(new HttpHandler() {
                    @Override
                    public void handleRequest(HttpServerExchange exchange) throws Exception {
                        if (exchange.isInIoThread()) {
                            exchange.dispatch(this);
                            return;
                        }
                        exchange.startBlocking();
                        exchange.addExchangeCompleteListener((done, next) -> {
                            ContributingUpstreams upstreams = done.getAttachment(ContributingUpstreams.KEY);
                            contributors.add(upstreams == null ? null : upstreams.names());
                            next.proceed();
                        });
                        relay.relay(exchange, RouteParser.parse(exchange.getRequestURI()));
                    }
                })
                .build();
        undertow.start();
    }

    /** @param yaml a mirrorswitch config without listen/admin (they are not used) */
    static RelayServer start(String yaml, RelayListener listener) {
        return new RelayServer(new ConfigLoader(Map.of()).parse(yaml), listener);
    }

    URI uri(String path) {
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() throws InterruptedException {
        undertow.stop(); // waits for the worker threads, so every request has left its shared fetch
        producers.shutdown();
        if (!producers.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new AssertionError("a producer did not end");
        }
        fetches.close();
        watchdog.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
