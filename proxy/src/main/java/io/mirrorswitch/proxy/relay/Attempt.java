package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.TrafficFault;
import java.util.Optional;

/**
 * How one try of one upstream ended when it did not produce a response we deliver: the fault class (fed to
 * passive health detection) and a short text for logs and the final error body.
 */
record Attempt(String upstream, TrafficFault fault, String detail, Optional<java.time.Instant> retryAt) {
    String describe() {
        return upstream + ": " + detail;
    }
}
