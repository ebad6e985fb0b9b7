package io.mirrorswitch.upstream;

import io.mirrorswitch.config.UpstreamConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import okhttp3.Call;
import okhttp3.Challenge;
import okhttp3.Credentials;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Talks Registry v2 to one upstream as a client of its own: it follows that upstream's auth challenge (Bearer
 * tokens from its realm, or Basic) and its redirects. Whatever challenge the upstream announces stays here: the
 * caller only ever sees the final response. Thread-safe; one instance per upstream.
 */
public final class UpstreamClient {
    private static final int MAX_REDIRECTS = 5;
    private static final String USER_AGENT = "mirrorswitch/0.1";

    private final UpstreamConfig upstream;
    private final OkHttpClient http;
    private final HttpUrl base;
    private final TokenBroker tokens;
    /** Scheme, realm and service of the upstream's last challenge; null until the upstream asked for auth. */
    private volatile Challenge challenge;

    public UpstreamClient(UpstreamConfig upstream, OkHttpClient http) {
        this(upstream, http, Clock.systemUTC(), TokenCacheListener.NONE);
    }

    public UpstreamClient(UpstreamConfig upstream, OkHttpClient http, Clock clock, TokenCacheListener listener) {
        this.upstream = upstream;
        this.http = http;
        this.base = HttpUrl.get(upstream.url().toString());
        this.tokens = new TokenBroker(upstream, http, clock, listener);
    }

    public UpstreamConfig upstream() {
        return upstream;
    }

    /**
     * Sends the request, authenticating as this upstream demands. A 401 that survives a fresh token is about the
     * request itself (e.g. {@code insufficient_scope}) and is returned to the caller as data, unless it says the
     * fresh credentials themselves are bad (Basic refused, {@code invalid_token}).
     *
     * @throws UpstreamAuthException when this upstream's token endpoint or Basic login refuses us
     */
    public Response send(UpstreamRequest request) throws IOException {
        return send(request, new CallHandle());
    }

    /** As {@link #send(UpstreamRequest)}, with every call it makes attached to {@code handle} for cancelling. */
    public Response send(UpstreamRequest request, CallHandle handle) throws IOException {
        Challenge known = challenge;
        Response response = sendFollowingRedirects(request, known, handle);
        if (response.code() != 401) {
            return response;
        }
        Optional<Challenge> announced = usableChallenge(response.challenges());
        if (announced.isEmpty()) {
            return response;
        }
        Challenge fresh = normalized(announced.get());
        boolean invalidToken = "invalid_token".equals(announced.get().authParams().get("error"));
        boolean isNew = !fresh.equals(known);
        if ("basic".equalsIgnoreCase(fresh.scheme()) && (!isNew || !upstream.hasCredentials())) {
            response.close();
            throw new UpstreamAuthException(upstream.name(), 401, upstream.hasCredentials()
                    ? "the registry refused the basic credentials"
                    : "the registry requires basic-auth credentials, none configured");
        }
        if (!isNew && !invalidToken) {
            return response;
        }
        response.close();
        challenge = fresh;
        if (invalidToken) {
            tokens.invalidate();
        }
        Optional<String> scope = request.scope().or(() -> Optional.ofNullable(announced.get().authParams().get("scope")));
        Response retried = sendFollowingRedirects(
                new UpstreamRequest(request.method(), request.pathAndQuery(), request.headers(), scope), fresh, handle);
        // Refused again right after fresh credentials: the upstream's auth is broken (or ours is wrong), which is a
        // fault of this upstream, not an answer about the request.
        Optional<Challenge> again = retried.code() == 401 ? usableChallenge(retried.challenges()) : Optional.empty();
        if (again.isPresent() && "basic".equalsIgnoreCase(again.get().scheme())) {
            retried.close();
            throw new UpstreamAuthException(upstream.name(), 401, "the registry refused the basic credentials");
        }
        if (again.isPresent() && "invalid_token".equals(again.get().authParams().get("error"))) {
            retried.close();
            throw new UpstreamAuthException(upstream.name(), 401, "the registry refused a freshly issued token as invalid_token");
        }
        return retried;
    }

    private Response sendFollowingRedirects(UpstreamRequest request, Challenge auth, CallHandle handle) throws IOException {
        HttpUrl url = base.resolve(request.pathAndQuery());
        if (url == null) {
            throw new IOException(upstream.name() + ": cannot build a URL for " + request.pathAndQuery());
        }
        Request.Builder builder = new Request.Builder().url(url).method(request.method(), null).headers(forwarded(request.headers()));
        authorization(auth, request.scope()).ifPresent(value -> builder.header("Authorization", value));
        Request next = builder.build();
        for (int hop = 0; ; hop++) {
            Call call = http.newCall(next);
            handle.attach(call);
            Response response = call.execute();
            String location = response.header("Location");
            if (!response.isRedirect() || location == null) {
                return response;
            }
            response.close();
            if (hop == MAX_REDIRECTS) {
                // Never hand a redirect back: the caller would relay its Location and send registry:2 around us.
                // Plain words: this message is the note a probe shows and the reason a failover logs.
                throw new IOException("more than " + MAX_REDIRECTS + " redirects for " + request + " (a redirect loop)");
            }
            next = redirect(next, response.code(), location);
        }
    }

    /** Follows a redirect as registry clients do: same method (GET for 303), credentials only to the upstream's own origin. */
    private Request redirect(Request previous, int code, String location) throws IOException {
        HttpUrl target = previous.url().resolve(location);
        if (target == null) {
            throw new IOException(upstream.name() + ": redirect to an unusable Location " + location);
        }
        Request.Builder builder = previous.newBuilder().url(target);
        if (code == 303 && !"HEAD".equals(previous.method())) {
            builder.method("GET", null);
        }
        if (!sameOrigin(target, base)) {
            builder.removeHeader("Authorization").removeHeader("Cookie");
        }
        return builder.build();
    }

    private Optional<String> authorization(Challenge auth, Optional<String> scope) throws IOException {
        if (auth == null) {
            return Optional.empty();
        }
        if ("bearer".equalsIgnoreCase(auth.scheme())) {
            return Optional.of("Bearer " + tokens.token(auth, scope));
        }
        if (upstream.hasCredentials()) {
            return Optional.of(Credentials.basic(upstream.username().orElseThrow(), upstream.password().orElseThrow().reveal()));
        }
        return Optional.empty();
    }

    /**
     * OkHttp would add {@code Accept-Encoding: gzip} and decode on its own; a relay must not change encodings, so
     * a request without one asks for identity explicitly.
     */
    private static Headers forwarded(Headers headers) {
        Headers.Builder out = headers.newBuilder();
        if (headers.get("Accept-Encoding") == null) {
            out.set("Accept-Encoding", "identity");
        }
        if (headers.get("User-Agent") == null) {
            out.set("User-Agent", USER_AGENT);
        }
        return out.build();
    }

    private static Optional<Challenge> usableChallenge(List<Challenge> challenges) {
        return challenges.stream()
                .filter(c -> "bearer".equalsIgnoreCase(c.scheme()) && c.authParams().get("realm") != null)
                .findFirst()
                .or(() -> challenges.stream().filter(c -> "basic".equalsIgnoreCase(c.scheme())).findFirst());
    }

    /** Keeps what identifies the auth service; drops per-request parts such as scope and error. */
    private static Challenge normalized(Challenge c) {
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        for (String key : List.of("realm", "service")) {
            String value = c.authParams().get(key);
            if (value != null) {
                params.put(key, value);
            }
        }
        return new Challenge(c.scheme().toLowerCase(java.util.Locale.ROOT), params);
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return a.scheme().equals(b.scheme()) && a.host().equalsIgnoreCase(b.host()) && a.port() == b.port();
    }
}
