package io.mirrorswitch.proxy;

import io.mirrorswitch.proxy.metrics.RequestMetrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The registry port's drain at shutdown: counts the requests in flight (until their exchange completes) and, once
 * draining, turns new ones away. Undertow's GracefulShutdownHandler did the same with an empty 503, which clients
 * cannot tell from a broken server and which left no access log line; here they get a registry error saying why,
 * with {@code Retry-After} and {@code Connection: close} (a connection to a server that is going away is not worth
 * keeping), and are logged and counted like any answer. {@code /readyz} reads {@link #draining()}.
 */
final class RequestDrain implements HttpHandler {
    static final String SHUTTING_DOWN = "mirrorswitch is shutting down";
    private static final HttpString RETRY_AFTER = HttpString.tryFromString("Retry-After");

    private final HttpHandler next;
    private final RequestMetrics metrics;
    private final Object lock = new Object();
    // Guarded by lock: a request is counted in, or turned away, never both and never after the drain started.
    private boolean draining;
    private int inFlight;

    RequestDrain(HttpHandler next, RequestMetrics metrics) {
        this.next = next;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        boolean admitted;
        synchronized (lock) {
            admitted = !draining;
            if (admitted) {
                inFlight++;
            }
        }
        if (!admitted) {
            refuse(exchange);
            return;
        }
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            try {
                left();
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    /** From now on every new request is turned away; the ones in flight go on. Idempotent. */
    void start() {
        synchronized (lock) {
            draining = true;
        }
    }

    boolean draining() {
        synchronized (lock) {
            return draining;
        }
    }

    int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    /** Waits until no request is in flight, for at most {@code grace}; false when some still were. */
    boolean awaitIdle(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (lock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    private void left() {
        synchronized (lock) {
            inFlight--;
            lock.notifyAll();
        }
    }

    private void refuse(HttpServerExchange exchange) {
        AccessLog.attach(exchange, metrics);
        exchange.getResponseHeaders().put(RETRY_AFTER, 1);
        exchange.setPersistent(false);
        RegistryError.send(exchange, 503, "UNAVAILABLE", SHUTTING_DOWN, null);
    }
}
