package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.proxy.relay.CoalescingCap;
import io.mirrorswitch.proxy.relay.RelayListener;
import io.mirrorswitch.proxy.relay.SharedBlobFetches;
import io.mirrorswitch.proxy.route.RouteKind;
import java.util.Locale;

/**
 * What the request path did beyond answering: {@code mirrorswitch_failovers_total{route,upstream,reason}} (moved on
 * from {@code upstream} before sending anything), {@code mirrorswitch_resumes_total{upstream,reason}} (a blob body
 * broke on {@code upstream} and was continued elsewhere) and {@code mirrorswitch_digest_mismatches_total{route,upstream}}.
 * {@code reason} is the traffic fault in lower case: connect_failure, truncated, timeout, server_error, throttled,
 * forbidden, auth_failure, not_registry, digest_mismatch, stalled.
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

    @Override
    public void coalesced(String upstream, long bytes) {
        Counter.builder("mirrorswitch.coalesced.requests")
                .description("Blob requests served from another request's upstream fetch")
                .tags("upstream", upstream)
                .register(registry).increment();
        Counter.builder("mirrorswitch.coalesced.saved.bytes")
                .description("Upstream bytes not fetched again thanks to coalescing")
                .baseUnit("bytes")
                .tags("upstream", upstream)
                .register(registry).increment(bytes);
    }

    @Override
    public void coalescingCapHit(CoalescingCap cap) {
        Counter.builder("mirrorswitch.coalescing.cap.hits")
                .description("Blob requests streamed unshared because a coalescing cap was reached")
                .tags("cap", cap.label())
                .register(registry).increment();
    }

    /** Shared fetches in flight and the spool bytes they reserve, read at every scrape. */
    public void bindCoalescing(SharedBlobFetches fetches) {
        Gauge.builder("mirrorswitch.coalescing.fetches", fetches, SharedBlobFetches::inFlight)
                .description("Shared blob fetches in flight").register(registry);
        Gauge.builder("mirrorswitch.coalescing.spool.bytes", fetches, SharedBlobFetches::spoolBytes)
                .description("Spool bytes reserved by shared fetches").baseUnit("bytes").register(registry);
    }

    static String word(TrafficFault fault) {
        return fault.name().toLowerCase(Locale.ROOT);
    }
}
