package io.mirrorswitch.health;

import java.util.Optional;

/** What both policies do the same way. */
final class PolicySupport {
    private PolicySupport() {
    }

    /** The current active upstream if it is still healthy. */
    static Optional<UpstreamHealth> healthyActive(SelectionInput input) {
        return input.active().flatMap(input::upstream).filter(UpstreamHealth::healthy);
    }

    /** Leaving (or starting without) an active upstream: the reason names what is wrong and what replaces it. */
    static Choice replace(SelectionInput input, UpstreamHealth best, int fall) {
        String why = input.active().flatMap(input::upstream)
                .map(old -> HealthText.down(old, fall) + ", " + HealthText.up(best))
                .orElse(HealthText.up(best));
        return new Choice(best.name(), why, ChallengerStreak.NONE);
    }
}
