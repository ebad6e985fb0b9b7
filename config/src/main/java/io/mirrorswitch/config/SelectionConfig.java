package io.mirrorswitch.config;

import java.time.Duration;

/** How the active upstream is chosen among the healthy ones. */
public record SelectionConfig(Policy policy, Duration failbackAfter, double margin) {

    public static final SelectionConfig DEFAULTS = new SelectionConfig(Policy.PRIORITY, Duration.ofSeconds(60), 0.20);

    public enum Policy {
        /** The healthy upstream with the lowest priority number. */
        PRIORITY,
        /** The healthy upstream with the best smoothed latency. */
        FASTEST;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
