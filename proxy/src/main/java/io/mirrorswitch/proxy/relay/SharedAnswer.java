package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * The upstream's {@code 200} for a shared blob, as every request sharing it answers downstream: the same status,
 * headers ({@code Content-Type}, {@code Docker-Content-Digest}, ...) and {@code Content-Length}, whichever request
 * happened to make the upstream call.
 */
record SharedAnswer(String upstream, okhttp3.Headers headers, long length) {
    void applyTo(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        ForwardedHeaders.toDownstream(headers, exchange);
        exchange.getResponseHeaders().put(RelayHandler.UPSTREAM_HEADER, upstream);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
    }
}
