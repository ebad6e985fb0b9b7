package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * The upstream's {@code 200} for a shared blob, as every request sharing it answers downstream: the same status,
 * headers ({@code Content-Type}, {@code Docker-Content-Digest}, ...) and {@code Content-Length}, whichever request
 * happened to make the upstream call; and the same {@code contributors} (null when not tracked), which grows while
 * the fetch resumes on other upstreams.
 */
record SharedAnswer(String upstream, okhttp3.Headers headers, long length, ContributingUpstreams contributors) {
    SharedAnswer(String upstream, okhttp3.Headers headers, long length) {
        this(upstream, headers, length, null);
    }

    void applyTo(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        ForwardedHeaders.toDownstream(headers, exchange);
        exchange.getResponseHeaders().put(RelayHandler.UPSTREAM_HEADER, upstream);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
        if (contributors != null) {
            exchange.putAttachment(ContributingUpstreams.KEY, contributors);
        }
    }
}
