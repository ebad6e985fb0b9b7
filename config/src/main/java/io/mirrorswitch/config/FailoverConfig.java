package io.mirrorswitch.config;

/**
 * Per-request failover. A blob or a manifest by digest that one mirror answers 404 is always tried on the others
 * (content is addressed by digest, partial mirrors are common); a manifest tag is asked of at most
 * {@code tagNotFoundRetries} more upstreams before its 404 is returned.
 */
public record FailoverConfig(int tagNotFoundRetries) {
    public static final FailoverConfig DEFAULTS = new FailoverConfig(1);
}
