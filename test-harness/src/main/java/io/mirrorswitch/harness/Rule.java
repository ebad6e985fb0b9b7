package io.mirrorswitch.harness;

import java.util.Objects;

/**
 * A fault, the requests it applies to, and how many times: made by {@link Fault#on(Match)} and
 * given to {@link FaultProxy#inject(Rule)}. Immutable; the proxy keeps its own count of uses left.
 *
 * @param fault what happens
 * @param match which requests
 * @param times how many uses; {@link #ALWAYS} for no limit
 */
public record Rule(Fault fault, Match match, int times) {

    public static final int ALWAYS = -1;

    public Rule {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(match, "match");
        if (times < 1 && times != ALWAYS) {
            throw new IllegalArgumentException("times must be positive or ALWAYS, not " + times);
        }
    }

    /** Applies to the first {@code n} requests it acts on, then the proxy passes such requests. */
    public Rule times(int n) {
        return new Rule(fault, match, n);
    }

    public Rule once() {
        return times(1);
    }

    public Rule always() {
        return new Rule(fault, match, ALWAYS);
    }

    @Override
    public String toString() {
        return fault + " on " + match + (times == ALWAYS ? " always" : " x" + times);
    }
}
