package io.mirrorswitch.proxy.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@code GET /token?service=mirrorswitch&scope=...}: answers at once with one of our own tokens. Pull is granted
 * on any repository (mirrorswitch adds no access control of its own; registry:2 in front decides who may pull),
 * and nothing else is ever granted. Credentials registry:2 may send here are ignored and never forwarded.
 */
public final class TokenEndpoint implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DownstreamTokens tokens;
    private final Clock clock;

    public TokenEndpoint(DownstreamTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        List<String> scopes = new ArrayList<>();
        Deque<String> requested = exchange.getQueryParameters().get("scope");
        if (requested != null) {
            for (String param : requested) {
                for (String scope : param.trim().split("\\s+")) {
                    String grant = scope.isEmpty() ? null : ScopeGrant.pullOnly(scope);
                    if (grant != null) {
                        scopes.add(grant);
                    }
                }
            }
        }
        String token = tokens.issue(scopes);
        ObjectNode body = JSON.createObjectNode()
                .put("token", token)
                .put("access_token", token)
                .put("expires_in", DownstreamTokens.LIFETIME.toSeconds())
                .put("issued_at", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body.toString());
    }
}
