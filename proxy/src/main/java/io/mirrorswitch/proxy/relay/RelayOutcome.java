package io.mirrorswitch.proxy.relay;

import io.undertow.util.AttachmentKey;

/**
 * What the relay did for one exchange, for the access log line: who served it and after how many tries, and
 * whether the body came from a fetch shared with concurrent requests for the same blob (a request that joined
 * another's fetch made no tries of its own: {@code attempts} 0).
 */
public record RelayOutcome(String upstream, int attempts, boolean shared) {
    public static final AttachmentKey<RelayOutcome> KEY = AttachmentKey.create(RelayOutcome.class);

    public RelayOutcome(String upstream, int attempts) {
        this(upstream, attempts, false);
    }
}
