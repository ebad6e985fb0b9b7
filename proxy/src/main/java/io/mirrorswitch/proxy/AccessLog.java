package io.mirrorswitch.proxy;

import io.mirrorswitch.proxy.relay.RelayOutcome;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One human-readable line per request, written when the exchange completes:
 * {@code GET /v2/library/alpine/manifests/3.19 200 1529B 14ms upstream=hub1 attempts=1}.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("mirrorswitch.access");

    private AccessLog() {
    }

    static void attach(HttpServerExchange exchange) {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, next) -> {
            try {
                RelayOutcome outcome = ex.getAttachment(RelayOutcome.KEY);
                LOG.info("{} {} {} {}B {}ms upstream={} attempts={}",
                        ex.getRequestMethod(), ex.getRequestURI(), ex.getStatusCode(), ex.getResponseBytesSent(),
                        (System.nanoTime() - start) / 1_000_000,
                        outcome == null ? "-" : outcome.upstream(), outcome == null ? 0 : outcome.attempts());
            } finally {
                next.proceed();
            }
        });
    }
}
