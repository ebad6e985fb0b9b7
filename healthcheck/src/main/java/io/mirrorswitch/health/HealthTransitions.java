package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import java.time.Instant;
import java.util.Optional;

/**
 * The per-upstream state machine, as pure functions: the same inputs always give the same next state.
 * <ul>
 *   <li>the very first probe round decides at once (as does the first round after a reload changed
 *       {@code health.probe}: health learnt on another image is only carried over until then);</li>
 *   <li>afterwards {@code rise} good rounds in a row make an upstream healthy and {@code fall} failures in a
 *       row make it unhealthy;</li>
 *   <li>definite verdicts ({@code corrupt}, {@code auth_wall}, {@code forbidden}) eject at once;</li>
 *   <li>{@code throttled} ejects at once and starts a cooldown until the announced reset (or
 *       {@code health.throttleCooldown}); good rounds inside the cooldown do not count;</li>
 *   <li>live traffic only ever reports failures, so only good probes bring an upstream back.</li>
 * </ul>
 */
final class HealthTransitions {
    /** Weight of the newest sample in the smoothed latency and throughput. */
    static final double EWMA_WEIGHT = 0.3;

    private HealthTransitions() {
    }

    static UpstreamHealth probed(UpstreamHealth h, ProbeResult r, HealthConfig config, Instant now) {
        boolean firstRound = h.rounds() == 0 || h.carriedOver();
        boolean coolingDown = h.coolingDownAt(now);
        UpstreamHealth.Builder next = h.toBuilder()
                .rounds(h.rounds() + 1)
                .judgedByCurrentProbe()
                .state(r.outcome())
                .lastProbe(LastProbe.of(r))
                .cooldownUntil(coolingDown ? h.cooldownUntil() : Optional.empty());
        if (r.outcome().works()) {
            smooth(next, h, r);
            next.servedProbe(true);
            if (coolingDown) {
                // The announced reset has not passed; a cheap HEAD may work while pulls would still get 429.
                return next.build();
            }
            int ok = h.consecutiveOk() + 1;
            next.consecutiveOk(ok).consecutiveFail(0);
            if (!h.healthy() && (firstRound || ok >= config.rise())) {
                next.healthy(now);
            }
            return next.build();
        }
        next.consecutiveOk(0).consecutiveFail(h.consecutiveFail() + 1).lastError(r.note(), now);
        if (r.outcome() == Outcome.THROTTLED) {
            next.cooldownUntil(Optional.of(cooldownEnd(r.retryAt(), config, now)));
        }
        if (firstRound || ejects(r.outcome(), h.consecutiveFail() + 1, config)) {
            next.unhealthy();
        }
        return next.build();
    }

    static UpstreamHealth traffic(UpstreamHealth h, TrafficReport t, HealthConfig config, Instant now) {
        Outcome outcome = t.fault().outcome();
        int fail = h.consecutiveFail() + 1;
        UpstreamHealth.Builder next = h.toBuilder()
                .consecutiveOk(0)
                .consecutiveFail(fail)
                .lastError("traffic: " + t.detail(), now);
        if (outcome == Outcome.THROTTLED) {
            Instant end = cooldownEnd(t.retryAt(), config, now);
            // Several requests may report the same 429; keep the latest announced reset.
            next.cooldownUntil(Optional.of(h.cooldownUntil().filter(end::isBefore).orElse(end)));
        }
        if (h.healthy() && ejects(outcome, fail, config)) {
            next.unhealthy().state(outcome);
        } else if (!h.judged()) {
            next.state(outcome);
        }
        return next.build();
    }

    private static boolean ejects(Outcome outcome, int consecutiveFail, HealthConfig config) {
        return outcome.isDefinite() || outcome == Outcome.THROTTLED || consecutiveFail >= config.fall();
    }

    private static Instant cooldownEnd(Optional<Instant> announced, HealthConfig config, Instant now) {
        return announced.filter(now::isBefore).orElse(now.plus(config.throttleCooldown()));
    }

    private static void smooth(UpstreamHealth.Builder next, UpstreamHealth h, ProbeResult r) {
        double latency = r.timeToFirstByte().toNanos() / 1e6;
        next.latencyMs(ewma(h.latencyMs().isPresent() ? h.latencyMs().getAsDouble() : Double.NaN, latency));
        if (r.bytes() > 0 && r.bytesPerSecond() > 0) {
            next.bytesPerSecond(ewma(h.bytesPerSecond().isPresent() ? h.bytesPerSecond().getAsDouble() : Double.NaN,
                    r.bytesPerSecond()));
        }
    }

    static double ewma(double previous, double sample) {
        return Double.isNaN(previous) ? sample : previous + EWMA_WEIGHT * (sample - previous);
    }
}
