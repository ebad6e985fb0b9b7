package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.Secret;
import io.mirrorswitch.config.SelectionConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Upstreams, configs and probe results for the state and policy tests. */
final class Fixtures {
    static final UpstreamConfig HUB1 = upstream("hub1", 1);
    static final UpstreamConfig FALLBACK = upstream("fallback", 2);
    static final UpstreamConfig THIRD = upstream("third", 3);
    static final HealthConfig HEALTH = HealthConfig.DEFAULTS; // rise 2, fall 3, throttleCooldown 5 min
    static final SelectionConfig PRIORITY = SelectionConfig.DEFAULTS; // failbackAfter 60 s
    static final SelectionConfig FASTEST =
            new SelectionConfig(SelectionConfig.Policy.FASTEST, Duration.ofSeconds(60), 0.20);

    private Fixtures() {
    }

    static UpstreamConfig upstream(String name, int priority) {
        return new UpstreamConfig(name, URI.create("https://" + name + ".example"), priority, Optional.empty(),
                Optional.empty());
    }

    static UpstreamConfig withCredentials(String name, int priority, String password) {
        return new UpstreamConfig(name, URI.create("https://" + name + ".example"), priority, Optional.of("robot"),
                Optional.of(new Secret(password)));
    }

    static HealthBoard board(MutableClock clock, SelectionConfig selection, UpstreamConfig... upstreams) {
        return new HealthBoard(List.of(upstreams), HEALTH, selection, clock);
    }

    static ProbeResult ok(String upstream, Instant at, long totalMs) {
        return ok(upstream, at, totalMs, totalMs);
    }

    static ProbeResult ok(String upstream, Instant at, long ttfbMs, long totalMs) {
        return ProbeResult.worked(upstream, Outcome.OK, at, Duration.ofMillis(ttfbMs), Duration.ofMillis(totalMs), 1600);
    }

    static ProbeResult failed(String upstream, Outcome outcome, Instant at, String note) {
        return ProbeResult.failed(upstream, outcome, at, Duration.ofMillis(40), note, ProbeEvidence.error("GET /v2/", note));
    }
}
