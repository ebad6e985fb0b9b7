package io.mirrorswitch.harness;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The body faults a {@link RuleBook} chose for one 2xx answer of the target.
 *
 * @param cut     a {@link Fault.StallAfterBytes} or {@link Fault.TruncateAfterBytes}, or null
 * @param trickle per-connection pace, or null
 * @param flip    the byte to corrupt, or null
 * @param replace the substitute body, or null
 * @param release counted down by {@link FaultProxy#clear()}: ends a stall's hold
 * @param applied every fault used, for the request log
 */
record BodyFaults(Fault cut, Fault.Trickle trickle, Fault.FlipByte flip, Fault.ReplaceBody replace,
                  CountDownLatch release, List<Fault> applied) {

    static final BodyFaults NONE = new BodyFaults(null, null, null, null, new CountDownLatch(0), List.of());

    BodyFaults {
        applied = List.copyOf(applied);
    }

    /** Body bytes to send before the cut; Long.MAX_VALUE without one. */
    long cutAfter() {
        if (cut instanceof Fault.StallAfterBytes stall) {
            return stall.bytes();
        }
        if (cut instanceof Fault.TruncateAfterBytes truncate) {
            return truncate.bytes();
        }
        return Long.MAX_VALUE;
    }

    boolean stalls() {
        return cut instanceof Fault.StallAfterBytes;
    }

    long flipOffset() {
        return flip == null ? -1 : flip.offset();
    }
}
