package io.mirrorswitch.proxy;

import io.undertow.server.HttpServerExchange;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The registry port's requests whose handler is still running, so that a close that gave up waiting for them can
 * say which were, for how long and on which thread (to find it in a thread dump). Counted by the handler itself,
 * not by exchange completion: Undertow completes an exchange when its connection closes, while the thread that
 * serves it may still be blocked.
 */
final class InFlightRequests {
    /** What a request's handler does; it may throw whatever a handler may. */
    interface Handling {
        void run() throws Exception;
    }

    private record Running(String request, long startedAt, String thread) {
    }

    private final Map<HttpServerExchange, Running> running = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    InFlightRequests(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Runs the handling of {@code exchange} on this thread, listed as running until it returns. */
    void run(HttpServerExchange exchange, Handling handling) throws Exception {
        running.put(exchange, new Running(exchange.getRequestMethod() + " " + exchange.getRequestURI(),
                nanoTime.getAsLong(), Thread.currentThread().getName()));
        try {
            handling.run();
        } finally {
            running.remove(exchange);
        }
    }

    /** One entry per request still running, oldest first, e.g. {@code GET /v2/x/blobs/sha256:... (12 s, XNIO-1 task-3)}. */
    List<String> describe() {
        long now = nanoTime.getAsLong();
        return running.values().stream()
                .sorted(Comparator.comparingLong(Running::startedAt))
                .map(r -> r.request() + " (" + (now - r.startedAt()) / 1_000_000_000L + " s, " + r.thread() + ")")
                .toList();
    }
}
