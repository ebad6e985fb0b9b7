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

    /**
     * A whole-blob GET was served from a fetch of the same digest that another request started: {@code bytes}
     * the upstream did not have to send again.
     */
    default void coalesced(String upstream, long bytes) {
    }

    /** A whole-blob GET that could have been shared streamed on its own because {@code cap} was reached. */
    default void coalescingCapHit(CoalescingCap cap) {
    }
}
