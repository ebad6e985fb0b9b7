package io.mirrorswitch.config;

import java.util.Objects;

/** A credential that never prints itself: {@link #toString()} is masked so it cannot leak into logs or JSON. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The clear text, for the one place that sends it to its own upstream. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
