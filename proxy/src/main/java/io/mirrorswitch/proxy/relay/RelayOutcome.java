package io.mirrorswitch.proxy.relay;

import io.undertow.util.AttachmentKey;

/** What the relay did for one exchange, for the access log line: who served it and after how many tries. */
public record RelayOutcome(String upstream, int attempts) {
    public static final AttachmentKey<RelayOutcome> KEY = AttachmentKey.create(RelayOutcome.class);
}
