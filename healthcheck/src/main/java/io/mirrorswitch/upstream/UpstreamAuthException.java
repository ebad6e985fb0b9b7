package io.mirrorswitch.upstream;

import java.io.IOException;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * The upstream's auth refused us: its token endpoint (a login wall, wrong configured credentials, or a broken auth
 * service), or the registry itself (Basic credentials refused, a freshly issued token rejected). This is a fault of
 * that upstream, not of the request: the proxy fails over and the health checker reports {@code auth_wall}.
 * {@link #step()} names the request that was refused when it was the token endpoint's
 * ({@code GET https://auth.example/token}), so evidence points there and not at the registry request that led to it;
 * {@link #note()} says in a few words who refused what.
 */
public final class UpstreamAuthException extends IOException {
    private final int status;
    private final String detail;
    private final Optional<String> step;
    private final Headers headers;

    /**
     * Refused by the registry itself (Basic auth, a fresh token rejected): the failed step is the request, and
     * {@code detail} says what the registry refused, e.g. {@code the registry refused the basic credentials}.
     */
    public UpstreamAuthException(String upstream, int status, String detail) {
        this(upstream, Optional.empty(), status, detail, Headers.of());
    }

    private UpstreamAuthException(String upstream, Optional<String> step, int status, String detail, Headers headers) {
        super(upstream + ": " + note(step, status, detail));
        this.status = status;
        this.detail = detail;
        this.step = step;
        this.headers = headers;
    }

    /**
     * Refused by the token endpoint at {@code realm}: the step names it without what may be secret in a URL
     * (user info, query, fragment), and {@code headers} are that endpoint's answer headers.
     */
    static UpstreamAuthException atRealm(String upstream, HttpUrl realm, int status, String detail, Headers headers) {
        String url = realm.newBuilder().username("").password("").query(null).fragment(null).build().toString();
        return new UpstreamAuthException(upstream, Optional.of("GET " + url), status, detail, headers);
    }

    /**
     * Who refused what, for a probe verdict or a failover reason: {@code token endpoint 401: login required} when
     * the token endpoint refused, {@code the registry refused the basic credentials (401)} when the registry did
     * (no token endpoint is involved then).
     */
    public String note() {
        return note(step, status, detail);
    }

    private static String note(Optional<String> step, int status, String detail) {
        if (step.isPresent()) {
            return "token endpoint " + status + (detail.isEmpty() ? "" : ": " + detail);
        }
        return status > 0 ? detail + " (" + status + ")" : detail;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    /** The token endpoint request that was refused; empty when the registry request itself was. */
    public Optional<String> step() {
        return step;
    }

    /** The refusing answer's headers (empty when there was none to keep). */
    public Headers headers() {
        return headers;
    }
}
