package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mirrorswitch.health.HealthSnapshot;
import io.mirrorswitch.health.SwitchEvent;
import io.mirrorswitch.health.SwitchListener;

/**
 * {@code mirrorswitch_switches_total{from,to}}: changes of the active upstream ({@code from="none"} for the first
 * choice after start). A rate above a few per hour means flapping mirrors or settings that are too eager.
 */
public final class SwitchMetrics implements SwitchListener {
    private final MeterRegistry registry;

    SwitchMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void switched(SwitchEvent event, HealthSnapshot snapshot) {
        Counter.builder("mirrorswitch.switches")
                .description("Changes of the active upstream")
                .tags("from", event.from().orElse("none"), "to", event.to())
                .register(registry).increment();
    }
}
