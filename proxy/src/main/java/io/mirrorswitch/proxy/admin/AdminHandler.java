package io.mirrorswitch.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mirrorswitch.health.HealthSnapshot;
import io.mirrorswitch.health.StatusDocument;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.function.Supplier;

/** The admin port: liveness, readiness and state for operators and orchestrators. */
public final class AdminHandler implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Supplier<HealthSnapshot> health;

    public AdminHandler(Supplier<HealthSnapshot> health) {
        this.health = health;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        switch (exchange.getRequestPath()) {
            case "/healthz" -> text(exchange, 200, "ok\n");
            case "/readyz" -> {
                HealthSnapshot snapshot = health.get();
                json(exchange, snapshot.ready() ? 200 : 503, JSON.writeValueAsString(StatusDocument.summary(snapshot)));
            }
            case "/status" -> json(exchange, 200, JSON.writeValueAsString(StatusDocument.status(health.get())));
            default -> text(exchange, 404, "not found: try /healthz, /readyz or /status\n");
        }
    }

    private static void text(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(body);
    }

    private static void json(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body + "\n");
    }
}
