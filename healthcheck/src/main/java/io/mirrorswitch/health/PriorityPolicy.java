package io.mirrorswitch.health;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code selection.policy: priority}: the healthy upstream with the lowest priority number. Leaving an
 * unhealthy active upstream happens at once; coming back to a better-priority upstream waits until it has
 * stayed healthy for {@code failbackAfter}, so an upstream that recovers for a moment does not pull traffic
 * back and forth.
 */
public final class PriorityPolicy implements SelectionPolicy {
    private final Duration failbackAfter;
    private final int fall;

    public PriorityPolicy(Duration failbackAfter, int fall) {
        this.failbackAfter = failbackAfter;
        this.fall = fall;
    }

    @Override
    public String name() {
        return "priority";
    }

    /** Priority number; ties keep config order because the sort is stable. */
    @Override
    public Comparator<UpstreamHealth> order() {
        return Comparator.comparingInt(UpstreamHealth::priority);
    }

    @Override
    public Choice choose(SelectionInput input) {
        List<UpstreamHealth> ranked = ranked(input);
        Optional<UpstreamHealth> current = PolicySupport.healthyActive(input);
        if (current.isEmpty()) {
            return PolicySupport.replace(input, ranked.get(0), fall);
        }
        UpstreamHealth active = current.get();
        for (UpstreamHealth better : ranked) {
            if (better.priority() >= active.priority()) {
                break;
            }
            if (better.neverFailed()) {
                // Its first rounds simply finished after the active's (typical at start): not a failback.
                return new Choice(better.name(), HealthText.up(better) + ", priority " + better.priority()
                        + " before " + active.name() + "'s " + active.priority(), ChallengerStreak.NONE);
            }
            Duration healthyFor = Duration.between(better.healthySince().orElse(input.now()), input.now());
            if (healthyFor.compareTo(failbackAfter) >= 0) {
                return new Choice(better.name(), "failback: " + better.name() + " healthy for "
                        + HealthText.duration(healthyFor) + " (priority " + better.priority() + " before "
                        + active.name() + "'s " + active.priority() + "), " + HealthText.up(better),
                        ChallengerStreak.NONE);
            }
        }
        return new Choice(active.name(), "", ChallengerStreak.NONE);
    }
}
