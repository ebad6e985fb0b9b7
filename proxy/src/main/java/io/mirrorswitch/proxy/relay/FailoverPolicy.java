package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.proxy.route.RegistryRoute;
import io.mirrorswitch.upstream.UpstreamAuthException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import okhttp3.Response;

/**
 * Decides, before any byte went downstream, whether an upstream's answer is delivered or the request moves on
 * to the next candidate. Only faults of the upstream move on; answers about the request itself (a 404 for a
 * tag, a 401 insufficient_scope) are authoritative and delivered.
 */
final class FailoverPolicy {
    private FailoverPolicy() {
    }

    /** Empty when the response should be delivered as it is. */
    static Optional<Attempt> judge(String upstream, RegistryRoute route, Response response) {
        int code = response.code();
        if (code >= 500) {
            return Optional.of(new Attempt(upstream, TrafficFault.SERVER_ERROR, code + " " + response.message(), Optional.empty()));
        }
        if (code == 429) {
            return Optional.of(new Attempt(upstream, TrafficFault.THROTTLED, "429 too many requests", Optional.empty()));
        }
        return Optional.empty();
    }

    static Attempt failed(String upstream, IOException e) {
        if (e instanceof UpstreamAuthException auth) {
            return new Attempt(upstream, TrafficFault.AUTH_FAILURE, auth.getMessage().substring(upstream.length() + 2), Optional.empty());
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
}
