package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.SelectionConfig;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the active upstream among the healthy ones. Pure: it sees a {@link SelectionInput} and answers a
 * {@link Choice}; anything it must remember between calls (a challenger's winning streak) travels in them.
 * Health itself is decided elsewhere ({@link HealthTransitions}); what to do when nobody is healthy is decided
 * by the board, so a policy is only ever asked when at least one upstream is healthy.
 */
public interface SelectionPolicy {

    /** {@code priority} or {@code fastest}. */
    String name();

    /** Preference order among healthy upstreams (best first), also used for the request path's failover order. */
    Comparator<UpstreamHealth> order();

    /** The active upstream for this input, which has at least one healthy upstream. */
    Choice choose(SelectionInput input);

    static SelectionPolicy of(SelectionConfig selection, HealthConfig health) {
        return switch (selection.policy()) {
            case PRIORITY -> new PriorityPolicy(selection.failbackAfter(), health.fall());
            case FASTEST -> new FastestPolicy(selection.margin(), health.rise(), health.fall());
        };
    }

    /** The healthy upstreams of the input in this policy's order. */
    default List<UpstreamHealth> ranked(SelectionInput input) {
        return input.upstreams().stream().filter(UpstreamHealth::healthy).sorted(order()).toList();
    }
}
