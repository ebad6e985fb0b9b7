package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.mirrorswitch.health.HealthSnapshot;
import io.mirrorswitch.health.Outcome;
import io.mirrorswitch.health.UpstreamHealth;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-upstream gauges, rebuilt from the health snapshot at every scrape so that an upstream removed by a config
 * reload disappears and a new one appears:
 * <ul>
 *   <li>{@code mirrorswitch_upstream_up{upstream}}: 1 healthy (eligible), 0 not;</li>
 *   <li>{@code mirrorswitch_upstream_active{upstream}}: 1 for the upstream requests go to first;</li>
 *   <li>{@code mirrorswitch_upstream_state{upstream,state}}: 1 for the current state word, 0 for the others
 *       (the Prometheus state-set pattern; {@code unknown} before the first verdict);</li>
 *   <li>{@code mirrorswitch_upstream_latency_seconds{upstream}}: smoothed time to first byte of good rounds;</li>
 *   <li>{@code mirrorswitch_upstream_throughput_bytes_per_second{upstream}}: smoothed download rate of good deep
 *       rounds.</li>
 * </ul>
 * Latency and throughput are absent until measured, rather than a misleading 0.
 */
final class UpstreamGauges {
    static final List<String> STATES = states();

    private final MultiGauge up;
    private final MultiGauge active;
    private final MultiGauge state;
    private final MultiGauge latency;
    private final MultiGauge throughput;

    UpstreamGauges(MeterRegistry registry) {
        up = MultiGauge.builder("mirrorswitch.upstream.up")
                .description("1 when the upstream is healthy (eligible to be active), else 0").register(registry);
        active = MultiGauge.builder("mirrorswitch.upstream.active")
                .description("1 for the active upstream, which requests try first").register(registry);
        state = MultiGauge.builder("mirrorswitch.upstream.state")
                .description("1 for the upstream's current state word (latest probe outcome or traffic verdict)")
                .register(registry);
        latency = MultiGauge.builder("mirrorswitch.upstream.latency").baseUnit("seconds")
                .description("Smoothed time to first byte of the upstream's good probe rounds").register(registry);
        throughput = MultiGauge.builder("mirrorswitch.upstream.throughput.bytes.per.second")
                .description("Smoothed download rate of the upstream's good deep probe rounds").register(registry);
    }

    void refresh(HealthSnapshot snapshot) {
        List<MultiGauge.Row<?>> upRows = new ArrayList<>();
        List<MultiGauge.Row<?>> activeRows = new ArrayList<>();
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        List<MultiGauge.Row<?>> latencyRows = new ArrayList<>();
        List<MultiGauge.Row<?>> throughputRows = new ArrayList<>();
        for (UpstreamHealth u : snapshot.upstreams()) {
            Tags tags = Tags.of("upstream", u.name());
            upRows.add(MultiGauge.Row.of(tags, u.healthy() ? 1 : 0));
            activeRows.add(MultiGauge.Row.of(tags, snapshot.active().filter(u.name()::equals).isPresent() ? 1 : 0));
            for (String word : STATES) {
                stateRows.add(MultiGauge.Row.of(tags.and("state", word), word.equals(u.stateWord()) ? 1 : 0));
            }
            u.latencyMs().ifPresent(ms -> latencyRows.add(MultiGauge.Row.of(tags, ms / 1000.0)));
            u.bytesPerSecond().ifPresent(rate -> throughputRows.add(MultiGauge.Row.of(tags, rate)));
        }
        up.register(upRows, true);
        active.register(activeRows, true);
        state.register(stateRows, true);
        latency.register(latencyRows, true);
        throughput.register(throughputRows, true);
    }

    private static List<String> states() {
        List<String> words = new ArrayList<>();
        words.add("unknown");
        for (Outcome o : Outcome.values()) {
            words.add(o.word());
        }
        return List.copyOf(words);
    }
}
