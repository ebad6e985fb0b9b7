package io.mirrorswitch.health;

import java.time.Duration;
import java.time.Instant;

/** The latest probe round of an upstream as shown in /status: when, its verdict, how long, and why. */
public record LastProbe(Instant at, Outcome outcome, Duration total, String note, ProbeEvidence evidence) {

    static LastProbe of(ProbeResult r) {
        return new LastProbe(r.startedAt(), r.outcome(), r.total(), r.note(), r.evidence());
    }
}
