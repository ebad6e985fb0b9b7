package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mirrorswitch.health.HealthSnapshot;
import java.util.function.Supplier;

/**
 * Everything {@code GET /metrics} shows, on one Prometheus registry: the request path ({@link RequestMetrics},
 * {@link RelayMetrics}, {@link TokenCacheMetrics}), upstream health ({@link ProbeMetrics}, {@link UpstreamGauges},
 * {@link SwitchMetrics}), config reloads ({@link ReloadMetrics}) and the JVM and process basics of Micrometer's
 * binders. Names follow Prometheus conventions: {@code mirrorswitch_} prefix, {@code _total} on counters,
 * {@code _seconds} and {@code _bytes} units.
 */
public final class Metrics implements AutoCloseable {
    /** The text exposition format {@link #scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final RequestMetrics requests = new RequestMetrics(registry);
    private final RelayMetrics relay = new RelayMetrics(registry);
    private final TokenCacheMetrics tokenCache = new TokenCacheMetrics(registry);
    private final ProbeMetrics probes = new ProbeMetrics(registry);
    private final SwitchMetrics switches = new SwitchMetrics(registry);
    private final ReloadMetrics reloads = new ReloadMetrics(registry);
    private final UpstreamGauges upstreams;
    private final Supplier<HealthSnapshot> health;

    /** @param health read at every scrape, so the per-upstream gauges always match the configured upstreams */
    public Metrics(Supplier<HealthSnapshot> health) {
        this.health = health;
        this.upstreams = new UpstreamGauges(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** The Prometheus text exposition of every metric, upstream gauges refreshed from the current snapshot. */
    public String scrape() {
        synchronized (upstreams) {
            upstreams.refresh(health.get());
            return registry.scrape();
        }
    }

    public RequestMetrics requests() {
        return requests;
    }

    public RelayMetrics relay() {
        return relay;
    }

    public TokenCacheMetrics tokenCache() {
        return tokenCache;
    }

    public ProbeMetrics probes() {
        return probes;
    }

    public SwitchMetrics switches() {
        return switches;
    }

    public ReloadMetrics reloads() {
        return reloads;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
