package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.proxy.RegistryError;
import io.mirrorswitch.proxy.route.RegistryRoute;
import io.mirrorswitch.proxy.route.RouteKind;
import io.mirrorswitch.health.TrafficFault;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tries of one request that did not end in a delivered answer, and the honest error they add up to when no
 * upstream could serve: 429 with the soonest {@code Retry-After} when every upstream was throttled, 404 when an
 * upstream really said the content does not exist, otherwise 503 naming each upstream's failure.
 */
final class Attempts {
    /**
     * An upstream's real 404, kept (it is small) so it can be returned unchanged if nobody has the content.
     * {@code length} is the body's size; for a HEAD, which has no body, it is the {@code Content-Length} the
     * upstream announced (docker-registry announces the size of the JSON error its GET carries), so that a HEAD
     * and a GET of the same URL come back with the same headers.
     */
    record NotFound(String upstream, String contentType, byte[] body, long length) {
        /** A registry's JSON error, worth passing on as the upstream said it (anything else is replaced by ours). */
        boolean isRegistryError() {
            return length > 0 && contentType != null && contentType.contains("json");
        }
    }

    private final List<Attempt> failures = new ArrayList<>();
    private final List<String> notFoundBy = new ArrayList<>();
    private NotFound notFound;

    void failed(Attempt attempt) {
        failures.add(attempt);
    }

    void notFound(NotFound answer) {
        notFoundBy.add(answer.upstream());
        if (notFound == null) {
            notFound = answer;
        }
    }

    int count() {
        return failures.size() + notFoundBy.size();
    }

    /**
     * @param path what was asked for, without the method: a HEAD's error must be the GET's error byte for byte (its
     *             {@code Content-Length} is the size of the body the GET would carry)
     */
    void respond(HttpServerExchange exchange, RegistryRoute route, String path, Instant now) {
        if (notFound != null) {
            exchange.getResponseHeaders().put(RelayHandler.UPSTREAM_HEADER, notFound.upstream());
            if (notFound.isRegistryError()) {
                exchange.setStatusCode(404);
                exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, notFound.contentType());
                exchange.getResponseHeaders().put(RegistryError.API_VERSION, "registry/2.0");
                exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_LENGTH, notFound.length());
                if (exchange.getRequestMethod().equalToString("HEAD")) {
                    exchange.endExchange();
                } else {
                    exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(notFound.body()));
                }
                return;
            }
            RegistryError.send(exchange, 404, unknownCode(route), "not found on any upstream: " + path, describe());
            return;
        }
        if (!failures.isEmpty() && failures.stream().allMatch(a -> a.fault() == TrafficFault.THROTTLED)) {
            Optional<Instant> soonest = failures.stream().map(Attempt::retryAt).flatMap(Optional::stream).min(Instant::compareTo);
            soonest.ifPresent(at -> exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("Retry-After"),
                    Math.max(1, Duration.between(now, at).toSeconds())));
            RegistryError.send(exchange, 429, "TOOMANYREQUESTS", "every upstream is rate limiting: " + path, describe());
            return;
        }
        RegistryError.send(exchange, 503, "UNAVAILABLE", "no upstream could serve " + path, describe());
    }

    private List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Attempt a : failures) {
            out.add(a.upstream() + ": " + a.fault().outcome().word() + ": " + a.detail());
        }
        for (String upstream : notFoundBy) {
            out.add(upstream + ": not_found");
        }
        return out;
    }

    private static String unknownCode(RegistryRoute route) {
        return route.kind() == RouteKind.BLOB ? "BLOB_UNKNOWN"
                : route.kind() == RouteKind.MANIFEST ? "MANIFEST_UNKNOWN" : "NAME_UNKNOWN";
    }
}
