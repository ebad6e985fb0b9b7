package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.RetryAfter;
import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.proxy.route.RegistryRoute;
import io.mirrorswitch.proxy.route.RouteKind;
import io.mirrorswitch.upstream.UpstreamAuthException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import okhttp3.Response;

/**
 * Decides, before any byte went downstream, whether an upstream's answer is delivered or the request moves on
 * to the next candidate. Faults of the upstream move on (5xx, 429, 403, a broken token service, a body that is
 * not from a registry); answers about the request itself (a 401 {@code insufficient_scope}, a 400, a 416) are
 * authoritative and delivered, by {@link ErrorAnswer}, never as a fault. 404s are the caller's business: whether
 * another mirror may have the content depends on the route.
 */
final class FailoverPolicy {
    private FailoverPolicy() {
    }

    /** Empty when the response should be delivered (or, for a 404, handled by the 404 rules). */
    static Optional<Attempt> judge(String upstream, RegistryRoute route, boolean head, Response response, Instant now) {
        int code = response.code();
        if (code >= 500) {
            return fault(upstream, TrafficFault.SERVER_ERROR, code + " " + response.message());
        }
        if (code == 429) {
            Optional<Instant> retryAt = RetryAfter.parse(response.headers(), now);
            String retryAfter = response.header("Retry-After");
            return Optional.of(new Attempt(upstream, TrafficFault.THROTTLED,
                    "429 too many requests" + (retryAfter == null ? "" : " (Retry-After " + retryAfter + ")"), retryAt));
        }
        String challenge = String.valueOf(response.header("WWW-Authenticate")).toLowerCase(Locale.ROOT);
        if (code == 401 && challenge.contains("invalid_token")) {
            return fault(upstream, TrafficFault.AUTH_FAILURE, "401 invalid_token even with a fresh token");
        }
        if (code == 403 && !(isJson(response) && challenge.contains("insufficient_scope"))) {
            return fault(upstream, TrafficFault.FORBIDDEN, "403 " + response.message());
        }
        // 416 answers the client's own Range (registries send it as text/plain): about the request, not a fault.
        if (code >= 400 && code != 404 && code != 416 && !head && !isJson(response)) {
            return fault(upstream, TrafficFault.NOT_REGISTRY, code + " with a " + contentType(response) + " body");
        }
        if (code == 200 && route.kind() == RouteKind.MANIFEST) {
            String type = contentType(response);
            if (type.startsWith("text/")) {
                return fault(upstream, TrafficFault.NOT_REGISTRY, "manifest answered with a " + type + " body");
            }
            if (head && (response.header("Docker-Content-Digest") == null || response.header("Content-Length") == null)) {
                return fault(upstream, TrafficFault.NOT_REGISTRY, "manifest HEAD without Docker-Content-Digest or Content-Length");
            }
        }
        return Optional.empty();
    }

    static Attempt failed(String upstream, IOException e, Transfer transfer) {
        if (transfer.abortReason() != null) {
            return new Attempt(upstream, transfer.abortFault(), transfer.abortReason(), Optional.empty());
        }
        if (e instanceof UpstreamAuthException auth) {
            return new Attempt(upstream, TrafficFault.AUTH_FAILURE, auth.note(), Optional.empty());
        }
        if (endedEarly(e)) {
            return new Attempt(upstream, TrafficFault.TRUNCATED, "body ended early (" + e.getMessage() + ")", Optional.empty());
        }
        if (e instanceof SocketTimeoutException) {
            return new Attempt(upstream, TrafficFault.TIMEOUT, "timed out (" + e.getMessage() + ")", Optional.empty());
        }
        String what = e instanceof ConnectException ? "connect failed"
                : e instanceof UnknownHostException ? "unknown host"
                : e instanceof NoRouteToHostException ? "no route to host"
                : e instanceof SSLException ? "TLS error"
                : "connection error";
        return new Attempt(upstream, TrafficFault.CONNECT_FAILURE, what + " (" + e.getMessage() + ")", Optional.empty());
    }

    /**
     * OkHttp's ways of saying the connection closed before the body's announced length: inside a fixed-length body
     * or a chunk ({@code unexpected end of stream}), or where the next chunk's size should have been (EOF).
     * Before the headers the same EOF comes wrapped in a plain IOException: that one is a connection error.
     */
    private static boolean endedEarly(IOException e) {
        return e instanceof EOFException
                || (e instanceof ProtocolException && "unexpected end of stream".equals(e.getMessage()));
    }

    private static Optional<Attempt> fault(String upstream, TrafficFault fault, String detail) {
        return Optional.of(new Attempt(upstream, fault, detail, Optional.empty()));
    }

    static boolean isJson(Response response) {
        return contentType(response).contains("json");
    }

    static String contentType(Response response) {
        String type = response.header("Content-Type");
        return type == null ? "untyped" : type.toLowerCase(Locale.ROOT);
    }
}
