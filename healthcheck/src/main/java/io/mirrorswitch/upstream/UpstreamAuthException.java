package io.mirrorswitch.upstream;

import java.io.IOException;

/**
 * The upstream's own token endpoint refused us (a login wall, wrong configured credentials, or a broken auth
 * service). This is a fault of that upstream, not of the request: the proxy fails over and the health checker
 * reports {@code auth_wall}.
 */
public final class UpstreamAuthException extends IOException {
    private final int status;
    private final String detail;

    public UpstreamAuthException(String upstream, int status, String detail) {
        super(upstream + ": token endpoint answered " + status + (detail.isEmpty() ? "" : ": " + detail));
        this.status = status;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }
}
