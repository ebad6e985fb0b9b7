package io.mirrorswitch.health;

import java.util.Locale;

/** The verdict of one probe round, a fixed vocabulary shared by /status, metrics, logs and the probe command. */
public enum Outcome {
    OK, SLOW, THROTTLED, AUTH_WALL, FORBIDDEN, CORRUPT, NOT_FOUND, DOWN, STALLED;

    /** The word operators see: {@code ok}, {@code auth_wall}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The upstream served the probe image correctly (perhaps slowly). */
    public boolean works() {
        return this == OK || this == SLOW;
    }

    /** Verdicts that eject at once instead of waiting for {@code health.fall} rounds. */
    public boolean isDefinite() {
        return this == CORRUPT || this == AUTH_WALL || this == FORBIDDEN;
    }
}
