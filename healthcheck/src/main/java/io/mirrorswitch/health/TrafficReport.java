package io.mirrorswitch.health;

import java.time.Instant;
import java.util.Optional;

/**
 * One failure seen by the request path on a named upstream, e.g. {@code hub1 SERVER_ERROR "GET
 * /v2/library/alpine/manifests/3.19 -> 503"}. {@code retryAt} carries a throttled upstream's announced reset.
 */
public record TrafficReport(String upstream, TrafficFault fault, String detail, Optional<Instant> retryAt) {
    public static TrafficReport of(String upstream, TrafficFault fault, String detail) {
        return new TrafficReport(upstream, fault, detail, Optional.empty());
    }
}
