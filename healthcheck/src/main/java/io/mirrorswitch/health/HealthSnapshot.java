package io.mirrorswitch.health;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything known about upstream health at one moment, immutable; what /status and /readyz render (see
 * {@link StatusDocument}).
 *
 * @param at        when this snapshot was made
 * @param policy    the selection policy word ({@code priority} or {@code fastest})
 * @param upstreams every configured upstream in config order
 * @param active    the upstream requests go to first; empty before the first choice (which waits for every
 *                  upstream's first round, at most {@code health.timeout}) and while no upstream is healthy and
 *                  none has served the current probe (there is no last known good one)
 * @param since     when {@code active} became active
 * @param reason    why {@code active} is active (or why nothing is healthy, or what the first choice waits for),
 *                  with evidence
 * @param allDown   every upstream has been judged and none is healthy ({@code active}, if any, is then the last
 *                  known good one, kept so a dual outage does not move the choice)
 * @param history   recent switches, oldest first
 */
public record HealthSnapshot(
        Instant at,
        String policy,
        List<UpstreamHealth> upstreams,
        Optional<String> active,
        Optional<Instant> since,
        String reason,
        boolean allDown,
        List<SwitchEvent> history) {

    /** How many switches a snapshot keeps. */
    public static final int HISTORY_SIZE = 20;

    public HealthSnapshot {
        upstreams = List.copyOf(upstreams);
        history = List.copyOf(history);
    }

    /** At least one upstream is healthy: what {@code GET /readyz} answers 200 for. */
    public boolean ready() {
        return upstreams.stream().anyMatch(UpstreamHealth::healthy);
    }

    public Optional<UpstreamHealth> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    public List<String> healthyNames() {
        return upstreams.stream().filter(UpstreamHealth::healthy).map(UpstreamHealth::name).toList();
    }
}
