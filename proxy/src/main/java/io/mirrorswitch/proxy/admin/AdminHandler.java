package io.mirrorswitch.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mirrorswitch.health.HealthSnapshot;
import io.mirrorswitch.health.StatusDocument;
import io.mirrorswitch.proxy.metrics.Metrics;
import io.mirrorswitch.proxy.reload.ConfigReloader;
import io.mirrorswitch.proxy.reload.ReloadResult;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin port, for operators and orchestrators: {@code /} (the status page), {@code /healthz} (the process
 * is up), {@code /readyz} (a healthy upstream exists and no shutdown drain runs), {@code /status} (health and
 * config as JSON),
 * {@code /metrics} (Prometheus text) and {@code POST /reload} (re-read the config file).
 */
public final class AdminHandler implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String PATHS = "/, /healthz, /readyz, /status, /metrics, POST /reload";

    private final Supplier<HealthSnapshot> health;
    private final ConfigReloader config;
    private final Metrics metrics;
    private final BooleanSupplier draining;
    private final StatusPage page = StatusPage.load();

    /** @param draining true once the registry port drains for shutdown: not ready, whatever the upstreams do */
    public AdminHandler(Supplier<HealthSnapshot> health, ConfigReloader config, Metrics metrics, BooleanSupplier draining) {
        this.health = health;
        this.config = config;
        this.metrics = metrics;
        this.draining = draining;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            // /reload reads a file and restarts the checker, /metrics walks the JVM: neither belongs on an IO thread.
            exchange.dispatch(this);
            return;
        }
        String path = exchange.getRequestPath();
        if (path.equals("/reload")) {
            reload(exchange);
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            text(exchange, 405, "method not allowed: " + path + " answers GET\n");
            return;
        }
        switch (path) {
            case "/", "/index.html" -> page.send(exchange);
            case "/healthz" -> text(exchange, 200, "ok\n");
            case "/readyz" -> readyz(exchange);
            case "/status" -> {
                Map<String, Object> status = StatusDocument.status(health.get());
                status.put("config", config.status());
                json(exchange, 200, status);
            }
            case "/metrics" -> send(exchange, 200, Metrics.CONTENT_TYPE, metrics.scrape());
            default -> text(exchange, 404, "not found: try " + PATHS + "\n");
        }
    }

    /**
     * 200 while an upstream is healthy; 503 when none is, and as soon as the shutdown drain starts, so that a load
     * balancer or Kubernetes stops sending new pulls while the ones in flight finish ({@code /healthz} stays 200).
     */
    private void readyz(HttpServerExchange exchange) throws Exception {
        HealthSnapshot snapshot = health.get();
        Map<String, Object> summary = StatusDocument.summary(snapshot);
        if (draining.getAsBoolean()) {
            summary.put("ready", false);
            summary.put("draining", true);
        }
        json(exchange, Boolean.TRUE.equals(summary.get("ready")) ? 200 : 503, summary);
    }

    private void reload(HttpServerExchange exchange) throws Exception {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            text(exchange, 405, "method not allowed: use POST /reload to re-read the config file\n");
            return;
        }
        ReloadResult result = config.reload("POST /reload");
        int status = switch (result.result()) {
            case ReloadResult.REFUSED -> 422;
            case ReloadResult.UNAVAILABLE -> 409;
            default -> 200;
        };
        json(exchange, status, result.toMap());
    }

    private static void text(HttpServerExchange exchange, int status, String body) {
        send(exchange, status, "text/plain; charset=utf-8", body);
    }

    private static void json(HttpServerExchange exchange, int status, Object document) throws Exception {
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        send(exchange, status, "application/json", JSON.writeValueAsString(document) + "\n");
    }

    private static void send(HttpServerExchange exchange, int status, String contentType, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(ByteBuffer.wrap(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
