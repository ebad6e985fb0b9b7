package io.mirrorswitch.health;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code selection.policy: fastest}: the healthy upstream with the best smoothed latency. A healthy active
 * upstream is only replaced by a challenger that beats it by {@code margin} in {@code rise} consecutive rounds
 * of the challenger, so two upstreams of similar speed never trade places on noise.
 */
public final class FastestPolicy implements SelectionPolicy {
    private final double margin;
    private final int rounds;
    private final int fall;

    public FastestPolicy(double margin, int rounds, int fall) {
        this.margin = margin;
        this.rounds = rounds;
        this.fall = fall;
    }

    @Override
    public String name() {
        return "fastest";
    }

    /** Smoothed latency; upstreams not measured yet come after measured ones, in priority order. */
    @Override
    public Comparator<UpstreamHealth> order() {
        return Comparator.comparingDouble((UpstreamHealth u) -> u.latencyMs().orElse(Double.MAX_VALUE))
                .thenComparingInt(UpstreamHealth::priority);
    }

    @Override
    public Choice choose(SelectionInput input) {
        List<UpstreamHealth> ranked = ranked(input);
        Optional<UpstreamHealth> current = PolicySupport.healthyActive(input);
        if (current.isEmpty()) {
            return PolicySupport.replace(input, ranked.get(0), fall);
        }
        UpstreamHealth active = current.get();
        Optional<UpstreamHealth> challenger = ranked.stream().filter(u -> !u.name().equals(active.name())).findFirst();
        if (challenger.isEmpty() || !beats(challenger.get(), active)) {
            return stay(active, ChallengerStreak.NONE);
        }
        UpstreamHealth c = challenger.get();
        // Only the challenger's own rounds count, so "rise rounds" means rise fresh measurements of it.
        boolean freshRound = input.probed().filter(c.name()::equals).isPresent();
        int streak = input.streak().roundsFor(c.name()) + (freshRound ? 1 : 0);
        if (streak < rounds) {
            return stay(active, ChallengerStreak.of(c.name(), streak));
        }
        double a = active.latencyMs().getAsDouble();
        double b = c.latencyMs().getAsDouble();
        String why = c.name() + " " + HealthText.millis(b) + " beats " + active.name() + " " + HealthText.millis(a)
                + " by " + Math.round(100 * (a - b) / a) + "% (margin " + Math.round(100 * margin) + "%) for "
                + streak + " rounds";
        return new Choice(c.name(), why, ChallengerStreak.NONE);
    }

    private boolean beats(UpstreamHealth challenger, UpstreamHealth active) {
        if (challenger.latencyMs().isEmpty() || active.latencyMs().isEmpty()) {
            return false;
        }
        return challenger.latencyMs().getAsDouble() < active.latencyMs().getAsDouble() * (1 - margin);
    }

    private static Choice stay(UpstreamHealth active, ChallengerStreak streak) {
        return new Choice(active.name(), "", streak);
    }
}
