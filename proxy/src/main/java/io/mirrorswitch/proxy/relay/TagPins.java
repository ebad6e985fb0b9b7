package io.mirrorswitch.proxy.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, for a short while, which digest a manifest {@code HEAD} by tag answered. registry:2 follows such a
 * HEAD with a GET by tag as a separate request; serving that GET by the pinned digest guarantees both answers
 * name the same manifest even if the upstream changed in between (or the GET reached another mirror).
 */
final class TagPins {
    static final Duration TTL = Duration.ofSeconds(30);
    private static final int MAX_ENTRIES = 10_000;

    private record Pin(String digest, Instant at) {
    }

    private final Map<String, Pin> pins = new ConcurrentHashMap<>();
    private final Clock clock;

    TagPins(Clock clock) {
        this.clock = clock;
    }

    void pin(String name, String tag, String digest) {
        if (pins.size() >= MAX_ENTRIES) {
            Instant cutoff = clock.instant().minus(TTL);
            pins.values().removeIf(p -> p.at().isBefore(cutoff));
            if (pins.size() >= MAX_ENTRIES) {
                pins.clear();
            }
        }
        pins.put(name + ":" + tag, new Pin(digest, clock.instant()));
    }

    Optional<String> digest(String name, String tag) {
        Pin pin = pins.get(name + ":" + tag);
        if (pin == null || pin.at().plus(TTL).isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(pin.digest());
    }
}
