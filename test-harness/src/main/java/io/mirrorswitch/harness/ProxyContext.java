package io.mirrorswitch.harness;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one {@link FaultProxy} shares.
 *
 * @param targetHost  where requests are forwarded
 * @param targetPort  where requests are forwarded
 * @param rules       the injected faults
 * @param sharedLimit the bandwidth limit across all connections
 * @param traffic     counters and log
 * @param held        connections currently held open by a blackhole or a stall
 */
record ProxyContext(String targetHost, int targetPort, RuleBook rules, BandwidthLimiter sharedLimit,
                    TrafficLog traffic, AtomicInteger held) {
}
