package io.mirrorswitch.health;

import java.time.Duration;

/** The short phrases switch reasons are made of, so every log line and /status reason reads the same way. */
final class HealthText {
    private HealthText() {
    }

    /**
     * Why an upstream is not usable: {@code hub1 down 3/3 (connect refused)}, {@code hub1 corrupt (...)}. The
     * count of failures towards {@code fall} is shown only where it means something: for an upstream that is
     * still healthy, or that {@code fall} failures ejected; one that never served the probe simply failed.
     */
    static String down(UpstreamHealth h, int fall) {
        if (!h.judged()) {
            return h.name() + " not probed yet";
        }
        StringBuilder s = new StringBuilder(h.name()).append(' ').append(h.stateWord());
        Outcome state = h.state().orElseThrow();
        if (state == Outcome.THROTTLED || h.cooldownUntil().isPresent()) {
            h.cooldownUntil().ifPresent(until -> s.append(" until ").append(until));
        } else if (!state.isDefinite() && !state.works() && (h.healthy() || h.servedProbe() && h.consecutiveFail() >= fall)) {
            s.append(' ').append(Math.min(h.consecutiveFail(), fall)).append('/').append(fall);
        }
        h.lastError().ifPresent(e -> s.append(" (").append(e).append(')'));
        return s.toString();
    }

    /** How a usable upstream is doing: {@code fallback ok 412 ms}. */
    static String up(UpstreamHealth h) {
        StringBuilder s = new StringBuilder(h.name()).append(' ').append(h.stateWord());
        h.lastProbe().ifPresent(p -> s.append(' ').append(duration(p.total())));
        return s.toString();
    }

    /** {@code 412 ms}, {@code 62 s}, {@code 5 min}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return ms / 1000 + " s";
        }
        return ms / 60_000 + " min";
    }

    static String millis(double ms) {
        return Math.round(ms) + " ms";
    }
}
