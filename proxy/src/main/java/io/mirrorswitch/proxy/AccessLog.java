package io.mirrorswitch.proxy;

import io.mirrorswitch.proxy.metrics.RequestMetrics;
import io.mirrorswitch.proxy.relay.ContributingUpstreams;
import io.mirrorswitch.proxy.relay.RelayOutcome;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One human-readable line per request, written when the exchange completes:
 * {@code GET /v2/library/alpine/manifests/3.19 200 1529B 14ms upstream=hub1 attempts=1}; the same facts go to the
 * request metrics, so the log and {@code /metrics} never disagree. A blob resumed on other upstreams names each
 * that sent bytes, in order ({@code upstream=hub1,fallback}); its metrics count it for the one that answered, so
 * the {@code upstream} label stays a configured name.
 */
final class AccessLog {
    /** The route label of the request ({@code manifest}, {@code blob}, {@code tags}, {@code v2}, {@code token}). */
    static final AttachmentKey<String> ROUTE = AttachmentKey.create(String.class);
    private static final String UNROUTED = "other";
    private static final Logger LOG = LoggerFactory.getLogger("mirrorswitch.access");

    private AccessLog() {
    }

    static void attach(HttpServerExchange exchange, RequestMetrics metrics) {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, next) -> {
            try {
                long nanos = System.nanoTime() - start;
                RelayOutcome outcome = ex.getAttachment(RelayOutcome.KEY);
                String upstream = outcome == null ? "-" : outcome.upstream();
                ContributingUpstreams contributors = ex.getAttachment(ContributingUpstreams.KEY);
                LOG.info("{} {} {} {}B {}ms upstream={} attempts={}",
                        ex.getRequestMethod(), ex.getRequestURI(), ex.getStatusCode(), ex.getResponseBytesSent(),
                        nanos / 1_000_000, contributors == null ? upstream : contributors.names(),
                        outcome == null ? 0 : outcome.attempts());
                String route = ex.getAttachment(ROUTE);
                metrics.completed(route == null ? UNROUTED : route, ex.getStatusCode(), upstream,
                        ex.getResponseBytesSent(), nanos);
            } catch (RuntimeException e) {
                LOG.warn("access log / metrics for {} failed: {}", ex.getRequestURI(), e.toString());
            } finally {
                next.proceed();
            }
        });
    }
}
