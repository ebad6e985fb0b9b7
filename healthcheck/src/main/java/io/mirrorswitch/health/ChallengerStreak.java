package io.mirrorswitch.health;

import java.util.Optional;

/**
 * How many consecutive rounds a challenger has beaten the active upstream (used by {@link FastestPolicy}; other
 * policies keep {@link #NONE}).
 */
public record ChallengerStreak(Optional<String> challenger, int rounds) {
    public static final ChallengerStreak NONE = new ChallengerStreak(Optional.empty(), 0);

    public static ChallengerStreak of(String challenger, int rounds) {
        return new ChallengerStreak(Optional.of(challenger), rounds);
    }

    public int roundsFor(String name) {
        return challenger.filter(name::equals).isPresent() ? rounds : 0;
    }
}
