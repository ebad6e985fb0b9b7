package io.mirrorswitch.proxy.admin;

import io.mirrorswitch.config.MirrorswitchConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** The admin port: liveness and state for operators and orchestrators. */
public final class AdminHandler implements HttpHandler {
    private final MirrorswitchConfig config;

    public AdminHandler(MirrorswitchConfig config) {
        this.config = config;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        switch (exchange.getRequestPath()) {
            case "/healthz" -> {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                exchange.getResponseSender().send("ok\n");
            }
            default -> {
                exchange.setStatusCode(404);
                exchange.getResponseSender().send("not found\n");
            }
        }
    }
}
