package io.mirrorswitch.health;

/** What the request path saw go wrong on live traffic (passive detection). */
public enum TrafficFault {
    CONNECT_FAILURE(Outcome.DOWN),
    /**
     * A body that ended (the upstream closed the connection) before its announced length: a transport fault of
     * the upstream like a reset, not bad content (every byte that came hashes on); it counts as {@code down}.
     */
    TRUNCATED(Outcome.DOWN),
    TIMEOUT(Outcome.DOWN),
    SERVER_ERROR(Outcome.DOWN),
    THROTTLED(Outcome.THROTTLED),
    FORBIDDEN(Outcome.FORBIDDEN),
    AUTH_FAILURE(Outcome.AUTH_WALL),
    NOT_REGISTRY(Outcome.CORRUPT),
    DIGEST_MISMATCH(Outcome.CORRUPT),
    STALLED(Outcome.STALLED);

    private final Outcome outcome;

    TrafficFault(Outcome outcome) {
        this.outcome = outcome;
    }

    /** The probe outcome this fault counts as in the upstream's state. */
    public Outcome outcome() {
        return outcome;
    }
}
