package io.mirrorswitch.proxy.auth;

import io.mirrorswitch.proxy.RegistryError;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one stable challenge registry:2 ever sees from us. Its realm is our own {@code /token} on the origin the
 * caller used, so it never changes with the upstream and registry:2 (which caches the first challenge forever)
 * keeps working across switches and restarts. Answering it needs no upstream I/O.
 */
public final class AuthGate {
    public static final String SERVICE = "mirrorswitch";
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(?::\\d{1,5})?|\\[[0-9A-Fa-f:.]+](?::\\d{1,5})?");

    private final DownstreamTokens tokens;
    private final Optional<URI> publicUrl;

    public AuthGate(DownstreamTokens tokens, Optional<URI> publicUrl) {
        this.tokens = tokens;
        this.publicUrl = publicUrl;
    }

    /** True when the request carries one of our tokens granting {@code scope} (any valid token when null). */
    public boolean admits(HttpServerExchange exchange, String scope) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return tokens.permits(authorization.substring(7).trim(), scope);
    }

    /** Answers 401 with our challenge (naming the scope the request needs, if any). */
    public void challenge(HttpServerExchange exchange, String scope) {
        putChallenge(exchange, scope);
        RegistryError.send(exchange, 401, "UNAUTHORIZED", "authentication required", null);
    }

    /**
     * Sets our challenge as the response's only {@code WWW-Authenticate}; also used on an upstream's 401 that is
     * delivered (e.g. {@code insufficient_scope}), so a 401 never goes out without a challenge registry:2 can use.
     */
    public void putChallenge(HttpServerExchange exchange, String scope) {
        StringBuilder header = new StringBuilder("Bearer realm=\"").append(origin(exchange)).append("/token\",service=\"")
                .append(SERVICE).append('"');
        if (scope != null) {
            header.append(",scope=\"").append(scope).append('"');
        }
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, header.toString());
    }

    private String origin(HttpServerExchange exchange) {
        if (publicUrl.isPresent()) {
            return publicUrl.get().toString();
        }
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null || !SAFE_HOST.matcher(host).matches()) {
            host = exchange.getDestinationAddress().getHostString() + ":" + exchange.getDestinationAddress().getPort();
        }
        return exchange.getRequestScheme() + "://" + host;
    }
}
