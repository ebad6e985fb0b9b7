package io.mirrorswitch.harness;

import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP/1.1 front for one upstream: tests point mirrorswitch (or any client) at
 * {@link #url()}, and the proxy relays to the target registry until told to misbehave.
 *
 * <pre>{@code
 * try (UpstreamRegistry mirror = UpstreamRegistry.anonymous(seed.storageDir());
 *      FaultProxy proxy = FaultProxy.inFrontOf(mirror.url())) {
 *     proxy.inject(Fault.stallAfterBytes(1_000_000).on(Match.BLOBS).times(1));
 *     ... pull through proxy.url() ...
 *     proxy.clear();
 * }
 * }</pre>
 *
 * <p>Faults: {@link Fault} (reset, blackhole, status answers, stall, truncate, trickle, flip a byte,
 * substitute a body with or without a matching digest, ignore Range), {@link #refuse()} /
 * {@link #resume()} for connection refused, {@link #limitBytesPerSecond(long)} for a slow link. A
 * login wall belongs to the upstream's token endpoint: {@link TokenIssuer#loginWall(boolean)}.
 *
 * <p>Relaying: one thread per client connection, keep-alive on both sides (each client connection
 * has its own target connection), Content-Length, chunked and close-delimited bodies, HEAD answers
 * relayed with their Content-Length and no body, and Range / If-Range forwarded untouched. Header
 * lines keep their order and repetitions. Bodies stream through 64 KiB slices and are never
 * buffered (except a substituted body's original, which is read and dropped). An HTTP/2 upgrade
 * offer is removed; nothing else is rewritten in PASS mode.
 *
 * <p>Every request's outcome is recorded ({@link #requests()}) and logged to {@link #logFile()}.
 * {@link #close()} stops listening, resets every client connection, closes every target connection
 * and ends every thread.
 */
public final class FaultProxy implements AutoCloseable {

    /** Lets a connection that was idle spend 20 ms of saved time at once; see {@link BandwidthLimiter}. */
    private static final long SHARED_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String targetUrl;
    private final ProxyContext context;
    private final Map<ProxyConnection, Thread> connections = new ConcurrentHashMap<>();
    private final AtomicInteger connectionNumber = new AtomicInteger();
    private final int port;
    private AcceptLoop listener;
    private boolean closed;

    private FaultProxy(String targetUrl) {
        URI target = URI.create(targetUrl);
        if (!"http".equals(target.getScheme()) || target.getPort() < 0 || !target.getPath().isEmpty()) {
            throw new IllegalArgumentException("target must be http://host:port without a path: " + targetUrl);
        }
        this.targetUrl = targetUrl;
        Path directory = HarnessDirectories.newDirectory("fault-proxy-" + target.getPort());
        this.context = new ProxyContext(target.getHost(), target.getPort(), new RuleBook(),
                new BandwidthLimiter(0, SHARED_BURST_NANOS), new TrafficLog(directory.resolve("fault-proxy.log")),
                new AtomicInteger());
        this.listener = new AcceptLoop(0, "fault-proxy", this::accepted);
        this.port = listener.port();
        context.traffic().log("listening on 127.0.0.1:" + port + ", relaying to " + targetUrl);
    }

    /** Starts a proxy on a free port of 127.0.0.1 in front of {@code targetUrl} ({@code http://127.0.0.1:<port>}). */
    public static FaultProxy inFrontOf(String targetUrl) {
        return new FaultProxy(targetUrl);
    }

    public static FaultProxy inFrontOf(UpstreamRegistry upstream) {
        return inFrontOf(upstream.url());
    }

    /** {@code http://127.0.0.1:<port>}, e.g. for mirrorswitch's upstream url. */
    public String url() {
        return "http://" + hostPort();
    }

    /** {@code 127.0.0.1:<port>}, as used in image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String targetUrl() {
        return targetUrl;
    }

    public Path logFile() {
        return context.traffic().logFile();
    }

    /** Adds a rule after those already injected; see {@link Fault} for how rules combine. */
    public FaultProxy inject(Rule rule) {
        context.rules().add(rule);
        context.traffic().log("inject " + rule);
        return this;
    }

    /** The fault for every request, with no limit: {@code inject(fault.on(Match.ANY))}. */
    public FaultProxy inject(Fault fault) {
        return inject(fault.on(Match.ANY));
    }

    /**
     * Removes every rule and resets every connection held by a blackhole or a stall; the next request
     * passes. Does not change {@link #refuse()} or the bandwidth limit.
     */
    public FaultProxy clear() {
        context.rules().clear();
        context.traffic().log("clear");
        return this;
    }

    /** Rules with uses left, in injection order. */
    public List<Rule> activeRules() {
        return context.rules().active();
    }

    /**
     * Stops listening, so connects fail with ECONNREFUSED, and resets every open connection, as when
     * the mirror's process dies (pooled keep-alive connections must not keep working).
     */
    public synchronized FaultProxy refuse() {
        requireOpen();
        if (listener != null) {
            listener.close();
            listener = null;
            connections.keySet().forEach(ProxyConnection::abort);
            context.traffic().log("refusing connections");
        }
        return this;
    }

    /** Listens again on the same port after {@link #refuse()}. */
    public synchronized FaultProxy resume() {
        requireOpen();
        if (listener == null) {
            listener = new AcceptLoop(port, "fault-proxy", this::accepted);
            context.traffic().log("listening again on 127.0.0.1:" + port);
        }
        return this;
    }

    public synchronized boolean isRefusing() {
        return listener == null;
    }

    /** Total body bandwidth across all connections, like one slow link; 0 (the default) for no limit. */
    public FaultProxy limitBytesPerSecond(long bytesPerSecond) {
        context.sharedLimit().setRate(bytesPerSecond);
        context.traffic().log("limit " + bytesPerSecond + " bytes/s");
        return this;
    }

    /** Every request seen since the last {@link #resetCounters()}, oldest first. */
    public List<RelayedRequest> requests() {
        return context.traffic().requests();
    }

    /** How many recorded requests {@code match} selects, e.g. {@code requestCount(Match.BLOBS.method("GET"))}. */
    public int requestCount(Match match) {
        return context.traffic().count(match);
    }

    /** Waits until {@code count} recorded requests match (e.g. a blackholed request has arrived); false on timeout. */
    public boolean awaitRequests(Match match, int count, Duration timeout) throws InterruptedException {
        return context.traffic().await(match, count, timeout);
    }

    /** Body bytes read from the target (exact: a cut reads no further than the cut), since the last reset. */
    public long bodyBytesFromTarget() {
        return context.traffic().bodyBytesFromTarget();
    }

    /** Body bytes written to clients, since the last reset. */
    public long bodyBytesToClient() {
        return context.traffic().bodyBytesToClient();
    }

    /** Client connections accepted since the last reset: shows whether a client reuses connections. */
    public int connectionsAccepted() {
        return context.traffic().connectionsAccepted();
    }

    /** Connections currently held open by a blackhole or a stall. */
    public int heldConnections() {
        return context.held().get();
    }

    /** Forgets recorded requests and zeroes the byte and connection counters. */
    public void resetCounters() {
        context.traffic().reset();
    }

    /** Stops listening, releases holds, resets all connections and waits for their threads to end. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (listener != null) {
                listener.close();
                listener = null;
            }
        }
        context.rules().close();
        connections.keySet().forEach(ProxyConnection::abort);
        for (Thread thread : List.copyOf(connections.values())) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        context.traffic().log("closed" + (connections.isEmpty() ? "" : "; threads still running: " + connections.size()));
    }

    @Override
    public String toString() {
        return "FaultProxy[" + url() + " -> " + targetUrl + ", log=" + logFile() + "]";
    }

    private void accepted(Socket socket) {
        context.traffic().connectionAccepted();
        ProxyConnection connection = new ProxyConnection(socket, context, connections::remove);
        Thread thread = new Thread(connection, "fault-proxy-" + port + "-conn-" + connectionNumber.incrementAndGet());
        thread.setDaemon(true);
        connections.put(connection, thread);
        if (context.rules().isClosed()) {
            connection.abort(); // accepted in the instant close() ran: do not start serving
        }
        thread.start();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("fault proxy " + url() + " is closed");
        }
    }
}
