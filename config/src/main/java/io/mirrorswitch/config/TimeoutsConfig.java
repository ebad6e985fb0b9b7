package io.mirrorswitch.config;

import java.time.Duration;

/**
 * Limits toward upstreams on the request path. There is deliberately no overall deadline for a blob body: a
 * large layer at a steady rate must finish; {@code idle} and {@code minThroughput} catch the stalled and the
 * slow-but-alive upstream instead.
 */
public record TimeoutsConfig(
        Duration connect,
        Duration firstByte,
        Duration idle,
        long minThroughputBytesPerSecond,
        Duration throughputWindow) {

    public static final TimeoutsConfig DEFAULTS = new TimeoutsConfig(
            Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(15), 32 * 1024, Duration.ofSeconds(10));
}
