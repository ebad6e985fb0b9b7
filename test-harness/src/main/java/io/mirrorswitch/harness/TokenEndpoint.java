package io.mirrorswitch.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Serves {@code GET /token} for a {@link TokenIssuer}: checks Basic credentials and signs a JWT. */
final class TokenEndpoint implements HttpHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TokenIssuer issuer;
    private final JwtSigner signer;

    TokenEndpoint(TokenIssuer issuer, JwtSigner signer) {
        this.issuer = issuer;
        this.signer = signer;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            respond(exchange);
        } catch (RuntimeException e) {
            // Without this the JDK server silently drops the connection and the cause is lost.
            issuer.log("internal error: " + e);
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        Map<String, List<String>> query = parseQuery(exchange.getRequestURI().getRawQuery());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String[] basic = parseBasic(authorization);
        String username = basic == null ? null : basic[0];
        int status;
        Object body;
        if (!exchange.getRequestURI().getPath().equals("/token")) {
            status = 404;
            body = Map.of("details", "not found");
        } else if (!exchange.getRequestMethod().equals("GET")) {
            status = 405;
            body = Map.of("details", "only GET is supported");
        } else if (authorization != null && basic == null) {
            status = 401;
            body = Map.of("details", "unsupported Authorization header");
        } else if (basic != null && !issuer.acceptsCredentials(basic[0], basic[1])) {
            status = 401;
            body = Map.of("details", "incorrect username or password");
        } else if (basic == null && issuer.loginWall()) {
            status = 401;
            body = Map.of("details", "login required");
        } else {
            status = 200;
            body = tokenResponse(username == null ? "" : username, query.getOrDefault("scope", List.of()));
        }
        issuer.record(new TokenRequest(Instant.now(), exchange.getRequestMethod(), authorization, username,
                first(query, "service"), query.getOrDefault("scope", List.of()), first(query, "account"),
                status));
        if (status == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + issuer.realm() + "\"");
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Map<String, Object> tokenResponse(String subject, List<String> scopes) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long lifetime = issuer.tokenLifetime().toSeconds();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer.issuer());
        claims.put("sub", subject);
        claims.put("aud", issuer.service());
        claims.put("exp", now.getEpochSecond() + lifetime);
        claims.put("nbf", now.getEpochSecond());
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", TokenScopes.accessFor(scopes, issuer.grantableActions()));
        String token = signer.sign(claims);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("token", token);
        response.put("access_token", token);
        response.put("expires_in", lifetime);
        response.put("issued_at", now.toString());
        return response;
    }

    /** Returns {user, password}, or null when the header is absent or not Basic. */
    private static String[] parseBasic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException badBase64) {
            return null;
        }
    }

    private static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
