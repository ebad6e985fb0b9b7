package io.mirrorswitch.health;

import io.mirrorswitch.config.UpstreamConfig;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The health of one upstream at one moment, immutable. It never holds the upstream's credentials, so a
 * snapshot can be rendered or logged as is.
 *
 * @param name            the configured name
 * @param url             the origin, e.g. {@code https://mirror.example}
 * @param priority        the configured priority (lower is preferred)
 * @param healthy         eligible as the active upstream
 * @param state           the latest verdict (a probe outcome, or the fault that ejected it on live traffic);
 *                        empty until the first verdict
 * @param latencyMs       smoothed time to first byte of good rounds
 * @param bytesPerSecond  smoothed download rate of good deep rounds
 * @param consecutiveOk   good probe rounds in a row (only probes count here, never traffic)
 * @param consecutiveFail failed rounds or traffic failures in a row
 * @param cooldownUntil   a throttled upstream is not eligible (and not probed) before this instant
 * @param lastProbe       the latest probe round
 * @param lastError       the latest failure, e.g. {@code connect refused} or {@code traffic: GET ... -> 503}; kept
 *                        after the upstream recovers (compare {@code lastErrorAt} with {@code healthySince})
 * @param lastErrorAt     when {@code lastError} was recorded
 * @param healthySince    when it last became healthy
 * @param rounds          probe rounds recorded since it was configured
 * @param carriedOver     its health was judged with an earlier {@code health.probe} and no round of the current
 *                        one has judged it yet (a reload changed the probe); that next round decides at once
 * @param servedProbe     at least one round of the current {@code health.probe} worked (since it was configured
 *                        or the probe changed): only such an upstream can be the "last known good" one
 */
public record UpstreamHealth(
        String name,
        String url,
        int priority,
        boolean healthy,
        Optional<Outcome> state,
        OptionalDouble latencyMs,
        OptionalDouble bytesPerSecond,
        int consecutiveOk,
        int consecutiveFail,
        Optional<Instant> cooldownUntil,
        Optional<LastProbe> lastProbe,
        Optional<String> lastError,
        Optional<Instant> lastErrorAt,
        Optional<Instant> healthySince,
        int rounds,
        boolean carriedOver,
        boolean servedProbe) {

    /** An upstream nobody has probed yet: not healthy, no verdict. */
    public static UpstreamHealth unknown(UpstreamConfig upstream) {
        return new UpstreamHealth(upstream.name(), upstream.origin(), upstream.priority(), false, Optional.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), 0, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0, false, false);
    }

    /** The state word for /status: an outcome word, or {@code unknown} before the first verdict. */
    public String stateWord() {
        return state.map(Outcome::word).orElse("unknown");
    }

    /** Whether anything (a probe or live traffic) has judged this upstream yet. */
    public boolean judged() {
        return state.isPresent();
    }

    public boolean coolingDownAt(Instant now) {
        return cooldownUntil.isPresent() && now.isBefore(cooldownUntil.get());
    }

    /**
     * Healthy from its very first round and never failed since. Such an upstream was never "down and back", so
     * the failback delay does not apply to it (it matters at start, when rounds finish in any order).
     */
    public boolean neverFailed() {
        return healthy && rounds > 0 && consecutiveOk == rounds;
    }

    /** Whether the board still waits for this upstream's first round (of the current probe) before choosing. */
    boolean awaitingFirstRound(Instant now) {
        return (rounds == 0 || carriedOver) && !coolingDownAt(now);
    }

    /** The same health under a new config (priority or credentials may have changed on reload, not the url). */
    UpstreamHealth reconfigured(UpstreamConfig upstream) {
        return toBuilder().priority(upstream.priority()).build();
    }

    /**
     * The same health when {@code health.probe} changed: kept (so a reload does not drop traffic), but what it
     * says was learnt on another image, so the next round decides at once, and it no longer counts as having
     * served the probe.
     */
    UpstreamHealth withNewProbe() {
        Builder b = toBuilder().servedProbe(false);
        b.carriedOver = judged();
        return b.build();
    }

    Builder toBuilder() {
        return new Builder(this);
    }

    /** Local, short-lived mutable copy used by the pure transition functions. */
    static final class Builder {
        private String name;
        private String url;
        private int priority;
        private boolean healthy;
        private Optional<Outcome> state;
        private OptionalDouble latencyMs;
        private OptionalDouble bytesPerSecond;
        private int consecutiveOk;
        private int consecutiveFail;
        private Optional<Instant> cooldownUntil;
        private Optional<LastProbe> lastProbe;
        private Optional<String> lastError;
        private Optional<Instant> lastErrorAt;
        private Optional<Instant> healthySince;
        private int rounds;
        private boolean carriedOver;
        private boolean servedProbe;

        private Builder(UpstreamHealth h) {
            name = h.name;
            url = h.url;
            priority = h.priority;
            healthy = h.healthy;
            state = h.state;
            latencyMs = h.latencyMs;
            bytesPerSecond = h.bytesPerSecond;
            consecutiveOk = h.consecutiveOk;
            consecutiveFail = h.consecutiveFail;
            cooldownUntil = h.cooldownUntil;
            lastProbe = h.lastProbe;
            lastError = h.lastError;
            lastErrorAt = h.lastErrorAt;
            healthySince = h.healthySince;
            rounds = h.rounds;
            carriedOver = h.carriedOver;
            servedProbe = h.servedProbe;
        }

        Builder priority(int v) { priority = v; return this; }
        Builder state(Outcome v) { state = Optional.of(v); return this; }
        Builder latencyMs(double v) { latencyMs = OptionalDouble.of(v); return this; }
        Builder bytesPerSecond(double v) { bytesPerSecond = OptionalDouble.of(v); return this; }
        Builder consecutiveOk(int v) { consecutiveOk = v; return this; }
        Builder consecutiveFail(int v) { consecutiveFail = v; return this; }
        Builder cooldownUntil(Optional<Instant> v) { cooldownUntil = v; return this; }
        Builder lastProbe(LastProbe v) { lastProbe = Optional.of(v); return this; }
        Builder lastError(String v, Instant at) { lastError = Optional.of(v); lastErrorAt = Optional.of(at); return this; }
        Builder rounds(int v) { rounds = v; return this; }
        Builder judgedByCurrentProbe() { carriedOver = false; return this; }
        Builder servedProbe(boolean v) { servedProbe = v; return this; }

        Builder healthy(Instant since) {
            healthy = true;
            healthySince = Optional.of(since);
            return this;
        }

        Builder unhealthy() {
            healthy = false;
            healthySince = Optional.empty();
            return this;
        }

        UpstreamHealth build() {
            return new UpstreamHealth(name, url, priority, healthy, state, latencyMs, bytesPerSecond, consecutiveOk,
                    consecutiveFail, cooldownUntil, lastProbe, lastError, lastErrorAt, healthySince, rounds, carriedOver,
                    servedProbe);
        }
    }
}
