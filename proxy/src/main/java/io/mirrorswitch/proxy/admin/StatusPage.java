package io.mirrorswitch.proxy.admin;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The one-file status page at {@code /} of the admin port: HTML with inline CSS and JavaScript that polls
 * {@code /status}. No external assets, no build step: it is served as it is in the jar.
 */
final class StatusPage {
    static final String RESOURCE = "status.html";
    /** The page only loads itself and fetches /status from its own origin. */
    private static final String POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'";

    private final byte[] html;

    private StatusPage(byte[] html) {
        this.html = html;
    }

    static StatusPage load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("status page resource " + RESOURCE + " is missing from the jar");
            }
            return new StatusPage(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("status page resource is unreadable", e);
        }
    }

    void send(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(Headers.CONTENT_SECURITY_POLICY, POLICY);
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        exchange.getResponseSender().send(ByteBuffer.wrap(html));
    }
}
