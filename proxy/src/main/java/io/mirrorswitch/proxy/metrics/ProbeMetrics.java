package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mirrorswitch.health.ProbeResult;
import io.mirrorswitch.health.UpstreamProbe;
import java.time.Duration;

/**
 * Health probe rounds: {@code mirrorswitch_probes_total{upstream,outcome}} (outcome is the probe word: ok, slow,
 * throttled, auth_wall, forbidden, corrupt, not_found, down, stalled) and the histogram
 * {@code mirrorswitch_probe_duration_seconds{upstream}} of whole rounds.
 */
public final class ProbeMetrics {
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;

    ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(ProbeResult result) {
        Counter.builder("mirrorswitch.probes")
                .description("Health probe rounds by outcome")
                .tags("upstream", result.upstream(), "outcome", result.outcome().word())
                .register(registry).increment();
        Timer.builder("mirrorswitch.probe.duration")
                .description("Duration of whole health probe rounds")
                .tag("upstream", result.upstream())
                .serviceLevelObjectives(BUCKETS)
                .register(registry).record(result.total());
    }

    /** {@code probe}, recording every round it runs. */
    public UpstreamProbe metered(UpstreamProbe probe) {
        return (client, deep) -> {
            ProbeResult result = probe.probe(client, deep);
            record(result);
            return result;
        };
    }
}
