package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.proxy.relay.RelayListener;
import io.mirrorswitch.proxy.route.RouteKind;
import java.util.Locale;

/**
 * What the request path did beyond answering: {@code mirrorswitch_failovers_total{route,upstream,reason}} (moved on
 * from {@code upstream} before sending anything), {@code mirrorswitch_resumes_total{upstream,reason}} (a blob body
 * broke on {@code upstream} and was continued elsewhere) and {@code mirrorswitch_digest_mismatches_total{route,upstream}}.
 * {@code reason} is the traffic fault in lower case: connect_failure, timeout, server_error, throttled, forbidden,
 * auth_failure, not_registry, digest_mismatch, stalled.
 */
public final class RelayMetrics implements RelayListener {
    private final MeterRegistry registry;

    RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void failover(RouteKind route, String upstream, TrafficFault reason) {
        Counter.builder("mirrorswitch.failovers")
                .description("Requests that moved on from an upstream to the next candidate")
                .tags("route", route.label(), "upstream", upstream, "reason", word(reason))
                .register(registry).increment();
    }

    @Override
    public void resumed(String upstream, TrafficFault reason) {
        Counter.builder("mirrorswitch.resumes")
                .description("Blob bodies that broke on an upstream and were resumed on another with a Range request")
                .tags("upstream", upstream, "reason", word(reason))
                .register(registry).increment();
    }

    @Override
    public void digestMismatch(RouteKind route, String upstream) {
        Counter.builder("mirrorswitch.digest.mismatches")
                .description("Manifests or blobs whose bytes did not hash to their digest")
                .tags("route", route.label(), "upstream", upstream)
                .register(registry).increment();
    }

    static String word(TrafficFault fault) {
        return fault.name().toLowerCase(Locale.ROOT);
    }
}
