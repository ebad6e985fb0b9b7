package io.mirrorswitch.health;

import java.time.Instant;
import java.util.Optional;

/**
 * One change of the active upstream. {@code from} is empty for the very first choice after start.
 * {@code reason} carries the evidence, e.g. {@code hub1 down 3/3 (connect refused), fallback ok 412 ms}.
 */
public record SwitchEvent(Instant at, Optional<String> from, String to, String reason) {

    /** The one line a person scans in the log: {@code switched hub1 -> fallback: hub1 down 3/3 (...)}. */
    public String line() {
        return from.map(f -> "switched " + f + " -> " + to).orElse("selected " + to) + ": " + reason;
    }
}
