package io.mirrorswitch.config;

import java.time.Duration;

/**
 * How upstreams are probed. {@code probe} is the image (name:tag) every round pulls the way registry:2 would.
 * A round is one probe of one upstream; {@code rise}/{@code fall} consecutive rounds flip its health.
 */
public record HealthConfig(
        Duration interval,
        String probe,
        Duration timeout,
        Duration slowAfter,
        int rise,
        int fall,
        int deepEvery,
        Duration throttleCooldown) {

    public static final HealthConfig DEFAULTS = new HealthConfig(
            Duration.ofSeconds(30), "library/alpine:3.19", Duration.ofSeconds(30), Duration.ofSeconds(5),
            2, 3, 1, Duration.ofMinutes(5));

    /** The repository part of {@link #probe()}, e.g. {@code library/alpine}. */
    public String probeRepository() {
        return probe.substring(0, probe.lastIndexOf(':'));
    }

    /** The tag part of {@link #probe()}, e.g. {@code 3.19}. */
    public String probeTag() {
        return probe.substring(probe.lastIndexOf(':') + 1);
    }
}
