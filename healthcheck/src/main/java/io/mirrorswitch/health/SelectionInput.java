package io.mirrorswitch.health;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link SelectionPolicy} decides on.
 *
 * @param upstreams every configured upstream in config order (priority, then file order)
 * @param active    the current active upstream, empty before the first choice
 * @param probed    the upstream whose probe round triggered this decision, empty for other triggers
 * @param now       the board's clock
 * @param streak    what the policy remembered from its previous decision
 */
public record SelectionInput(
        List<UpstreamHealth> upstreams, Optional<String> active, Optional<String> probed, Instant now,
        ChallengerStreak streak) {

    public SelectionInput {
        upstreams = List.copyOf(upstreams);
    }

    public Optional<UpstreamHealth> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }
}
