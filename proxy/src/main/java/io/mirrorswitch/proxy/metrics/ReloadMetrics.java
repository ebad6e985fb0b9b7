package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Config reloads: {@code mirrorswitch_config_reloads_total{result}} (applied, unchanged, refused) and
 * {@code mirrorswitch_config_last_reload_ok} (0 while the file on disk is refused and an older config runs),
 * the one to alert on after someone edited the file.
 */
public final class ReloadMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger lastOk = new AtomicInteger(1);

    ReloadMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("mirrorswitch.config.last.reload.ok", lastOk, AtomicInteger::get)
                .description("1 when the latest reload attempt was applied or found nothing to change, 0 when it was refused")
                .register(registry);
    }

    /** @param result {@code applied}, {@code unchanged} or {@code refused} */
    public void record(String result) {
        Counter.builder("mirrorswitch.config.reloads")
                .description("Config reload attempts by result")
                .tag("result", result).register(registry).increment();
        lastOk.set(result.equals("refused") ? 0 : 1);
    }
}
