package io.mirrorswitch.health;

import io.mirrorswitch.config.UpstreamConfig;
import java.util.List;

/**
 * The request path's whole view of health and selection: whom to try, in which order, and where to report
 * what went wrong. Implementations are lock-free for readers.
 */
public interface UpstreamSelector {

    /**
     * Upstreams in the order one request should try them: the active one, then the other healthy ones in
     * policy order, then the ejected ones as a last resort. Never empty while upstreams are configured.
     */
    List<UpstreamConfig> candidates();

    /** Passive detection: a failure the request path saw. May eject the upstream; only a good probe brings it back. */
    void report(TrafficReport report);
}
