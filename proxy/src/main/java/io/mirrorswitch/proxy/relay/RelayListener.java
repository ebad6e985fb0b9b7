package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.proxy.route.RouteKind;

/** What the request path tells observers (metrics) beyond the access log. */
public interface RelayListener {
    RelayListener NONE = new RelayListener() {
    };

    /** A request moved on from {@code upstream} to the next candidate before sending anything. */
    default void failover(RouteKind route, String upstream, TrafficFault reason) {
    }

    /** A blob body broke mid-way on {@code upstream} and was continued elsewhere with a Range request. */
    default void resumed(String upstream, TrafficFault reason) {
    }

    /** A blob or manifest failed verification: its bytes do not hash to the expected digest. */
    default void digestMismatch(RouteKind route, String upstream) {
    }
}
