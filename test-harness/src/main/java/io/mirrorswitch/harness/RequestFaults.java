package io.mirrorswitch.harness;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The faults a {@link RuleBook} chose for one request before it is forwarded.
 *
 * @param answer      reset, blackhole or a status answer that replaces forwarding; null to forward
 * @param ignoreRange strip Range/If-Range before forwarding
 * @param release     counted down by {@link FaultProxy#clear()}: ends a blackhole's hold
 * @param applied     every fault used, for the request log
 */
record RequestFaults(Fault answer, boolean ignoreRange, CountDownLatch release, List<Fault> applied) {

    RequestFaults {
        applied = List.copyOf(applied);
    }
}
