package io.mirrorswitch.proxy.route;

import java.util.Locale;

/** What a Registry v2 path addresses; also the {@code route} label of request metrics. */
public enum RouteKind {
    BASE, MANIFEST, BLOB, TAGS;

    public String label() {
        return this == BASE ? "v2" : name().toLowerCase(Locale.ROOT);
    }
}
