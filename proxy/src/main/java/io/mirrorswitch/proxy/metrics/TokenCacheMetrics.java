package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mirrorswitch.upstream.TokenCacheListener;

/**
 * Upstream token cache use on the request path: {@code mirrorswitch_token_cache_hits_total{upstream}} and
 * {@code mirrorswitch_token_cache_misses_total{upstream}}. Every miss is a token fetch from that upstream's realm;
 * many misses per pull point at short-lived upstream tokens or a realm that keeps refusing.
 */
public final class TokenCacheMetrics implements TokenCacheListener {
    private final MeterRegistry registry;

    TokenCacheMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void hit(String upstream) {
        Counter.builder("mirrorswitch.token.cache.hits")
                .description("Upstream requests that reused a cached upstream token")
                .tag("upstream", upstream).register(registry).increment();
    }

    @Override
    public void miss(String upstream) {
        Counter.builder("mirrorswitch.token.cache.misses")
                .description("Upstream token fetches (no usable cached token)")
                .tag("upstream", upstream).register(registry).increment();
    }
}
