package io.mirrorswitch.upstream;

import java.time.Instant;

/** An upstream's token with the instant after which it must not be used any more. */
record BearerToken(String value, Instant usableUntil) {
    boolean usableAt(Instant now) {
        return now.isBefore(usableUntil);
    }

    @Override
    public String toString() {
        return "BearerToken[until " + usableUntil + "]";
    }
}
