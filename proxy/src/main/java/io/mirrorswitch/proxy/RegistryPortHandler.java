package io.mirrorswitch.proxy;

import io.mirrorswitch.proxy.auth.AuthGate;
import io.mirrorswitch.proxy.auth.TokenEndpoint;
import io.mirrorswitch.proxy.metrics.RequestMetrics;
import io.mirrorswitch.proxy.relay.RelayHandler;
import io.mirrorswitch.proxy.route.RegistryRoute;
import io.mirrorswitch.proxy.route.RouteException;
import io.mirrorswitch.proxy.route.RouteParser;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;

/**
 * Everything registry:2 talks to on the listen port: our token endpoint, and the v2 pull routes behind our own
 * auth. Order matters: non-pull methods are refused before auth (405), bad names before any upstream I/O (400),
 * and a request without our token is challenged without touching an upstream.
 */
final class RegistryPortHandler implements HttpHandler {
    private final TokenEndpoint tokenEndpoint;
    private final AuthGate authGate;
    private final RelayHandler relay;
    private final RequestMetrics metrics;
    private final InFlightRequests inFlight;

    RegistryPortHandler(TokenEndpoint tokenEndpoint, AuthGate authGate, RelayHandler relay, RequestMetrics metrics,
                        InFlightRequests inFlight) {
        this.tokenEndpoint = tokenEndpoint;
        this.authGate = authGate;
        this.relay = relay;
        this.metrics = metrics;
        this.inFlight = inFlight;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        exchange.startBlocking();
        AccessLog.attach(exchange, metrics);
        inFlight.run(exchange, () -> handle(exchange));
    }

    private void handle(HttpServerExchange exchange) throws Exception {
        boolean pullMethod = exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD);
        if (exchange.isHostIncludedInRequestURI() || exchange.getRequestMethod().equals(Methods.CONNECT)) {
            RegistryError.send(exchange, 400, "UNSUPPORTED", "mirrorswitch is not a forward proxy", null);
            return;
        }
        String path = exchange.getRequestURI();
        if (path.equals("/token")) {
            exchange.putAttachment(AccessLog.ROUTE, "token");
            if (pullMethod) {
                tokenEndpoint.handleRequest(exchange);
            } else {
                RegistryError.methodNotAllowed(exchange, "the token endpoint answers GET only");
            }
            return;
        }
        if (!pullMethod) {
            RegistryError.methodNotAllowed(exchange, "mirrorswitch relays pulls only (GET and HEAD)");
            return;
        }
        RegistryRoute route;
        try {
            route = RouteParser.parse(path);
        } catch (RouteException e) {
            if (e.status() == 405) {
                RegistryError.methodNotAllowed(exchange, e.getMessage());
            } else {
                RegistryError.send(exchange, e.status(), e.code(), e.getMessage(), e.detail().isEmpty() ? null : e.detail());
            }
            return;
        }
        exchange.putAttachment(AccessLog.ROUTE, route.kind().label());
        String scope = route.scope().orElse(null);
        if (!authGate.admits(exchange, scope)) {
            authGate.challenge(exchange, scope);
            return;
        }
        relay.relay(exchange, route);
    }
}
