package io.mirrorswitch.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.config.UpstreamConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Challenge;
import okhttp3.Credentials;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Fetches and caches one upstream's Bearer tokens, per realm, service and scope. Tokens are reused until
 * shortly before they expire. The upstream's configured credentials go only to the realm that upstream itself
 * announced, and only over https or to the upstream's own host.
 */
final class TokenBroker {
    /** Renew this long before the announced expiry, so a token never dies in flight. */
    private static final Duration EARLY_RENEWAL = Duration.ofSeconds(20);
    private static final Duration MINIMUM_LIFETIME = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UpstreamConfig upstream;
    private final OkHttpClient http;
    private final Clock clock;
    private final TokenCacheListener listener;
    private final Map<String, BearerToken> cache = new ConcurrentHashMap<>();

    TokenBroker(UpstreamConfig upstream, OkHttpClient http, Clock clock, TokenCacheListener listener) {
        this.upstream = upstream;
        this.http = http;
        this.clock = clock;
        this.listener = listener;
    }

    /** A usable token for the challenge and scope, from the cache or freshly fetched. */
    String token(Challenge challenge, Optional<String> scope) throws IOException {
        String key = challenge.authParams().get("realm") + " " + challenge.authParams().get("service") + " " + scope.orElse("");
        BearerToken cached = cache.get(key);
        if (cached != null && cached.usableAt(clock.instant())) {
            listener.hit(upstream.name());
            return cached.value();
        }
        listener.miss(upstream.name());
        BearerToken fresh = fetch(challenge, scope);
        cache.put(key, fresh);
        return fresh.value();
    }

    /** Forget every token of this upstream, e.g. after it answered {@code invalid_token}. */
    void invalidate() {
        cache.clear();
    }

    private BearerToken fetch(Challenge challenge, Optional<String> scope) throws IOException {
        HttpUrl realm = realm(challenge);
        HttpUrl.Builder url = realm.newBuilder();
        String service = challenge.authParams().get("service");
        if (service != null) {
            url.addQueryParameter("service", service);
        }
        scope.ifPresent(s -> url.addQueryParameter("scope", s));
        Request.Builder request = new Request.Builder().url(url.build()).header("Accept", "application/json");
        if (upstream.hasCredentials() && mayReceiveCredentials(realm)) {
            request.header("Authorization",
                    Credentials.basic(upstream.username().orElseThrow(), upstream.password().orElseThrow().reveal()));
        }
        Instant requestedAt = clock.instant();
        try (Response response = http.newCall(request.build()).execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            if (!response.isSuccessful()) {
                throw UpstreamAuthException.atRealm(upstream.name(), realm, response.code(), excerpt(text), response.headers());
            }
            return parse(text, requestedAt, realm);
        }
    }

    private HttpUrl realm(Challenge challenge) throws UpstreamAuthException {
        String realm = challenge.authParams().get("realm");
        HttpUrl url = realm == null ? null : HttpUrl.parse(realm);
        if (url == null) {
            throw new UpstreamAuthException(upstream.name(), 0, "the registry's Bearer challenge has no usable realm");
        }
        return url;
    }

    private boolean mayReceiveCredentials(HttpUrl realm) {
        return realm.isHttps() || realm.host().equalsIgnoreCase(upstream.url().getHost());
    }

    private BearerToken parse(String text, Instant requestedAt, HttpUrl realm) throws UpstreamAuthException {
        try {
            JsonNode json = JSON.readTree(text);
            String token = json.path("token").asText(json.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw UpstreamAuthException.atRealm(upstream.name(), realm, 200, "token response without a token", Headers.of());
            }
            Instant issuedAt = requestedAt;
            if (json.hasNonNull("issued_at")) {
                try {
                    issuedAt = Instant.parse(json.get("issued_at").asText());
                } catch (DateTimeParseException ignored) {
                    // Some token services write other date forms; our own request time is a safe stand-in.
                }
            }
            Duration lifetime = Duration.ofSeconds(Math.max(json.path("expires_in").asLong(60), MINIMUM_LIFETIME.toSeconds()));
            // Clocks differ between us and the issuer: never trust an issued_at later than our own request.
            Instant start = issuedAt.isAfter(requestedAt) ? requestedAt : issuedAt;
            return new BearerToken(token, start.plus(lifetime).minus(EARLY_RENEWAL));
        } catch (IOException e) {
            throw UpstreamAuthException.atRealm(upstream.name(), realm, 200, "token response is not JSON", Headers.of());
        }
    }

    static String excerpt(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() > 160 ? flat.substring(0, 160) + "..." : flat;
    }
}
