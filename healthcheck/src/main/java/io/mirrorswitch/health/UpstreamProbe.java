package io.mirrorswitch.health;

import io.mirrorswitch.upstream.UpstreamClient;

/** Runs one probe round against one upstream; {@link Prober} is the real one, tests substitute their own. */
@FunctionalInterface
public interface UpstreamProbe {
    /** Never throws for upstream trouble: every failure is an {@link Outcome} in the result. */
    ProbeResult probe(UpstreamClient client, boolean deep);
}
