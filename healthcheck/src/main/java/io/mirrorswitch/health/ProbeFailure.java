package io.mirrorswitch.health;

import java.time.Instant;
import java.util.Optional;

/** Ends a probe round early with its verdict; carries the outcome, a short note and the evidence. */
final class ProbeFailure extends Exception {
    private final Outcome outcome;
    private final String note;
    private final ProbeEvidence evidence;
    private final Optional<Instant> retryAt;

    ProbeFailure(Outcome outcome, String note, ProbeEvidence evidence, Optional<Instant> retryAt) {
        super(outcome.word() + ": " + note, null, false, false);
        this.outcome = outcome;
        this.note = note;
        this.evidence = evidence;
        this.retryAt = retryAt;
    }

    ProbeFailure(Outcome outcome, String note, ProbeEvidence evidence) {
        this(outcome, note, evidence, Optional.empty());
    }

    Outcome outcome() {
        return outcome;
    }

    String note() {
        return note;
    }

    ProbeEvidence evidence() {
        return evidence;
    }

    Optional<Instant> retryAt() {
        return retryAt;
    }
}
