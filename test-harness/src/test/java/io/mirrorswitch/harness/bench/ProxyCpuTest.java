package io.mirrorswitch.harness.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** No bytes relayed: no per-GB figure (NaN, shown as a dash), never Infinity. */
class ProxyCpuTest {
    @Test
    void nothingRelayedIsNaN() {
        ProxyCpu watch = ProxyCpu.watch(ProcessHandle.current().pid());
        assertTrue(Double.isNaN(watch.since(0).secondsPerGb()));
        assertTrue(Double.isFinite(ProxyCpu.watch(ProcessHandle.current().pid()).since(1_000_000).secondsPerGb()));
    }
}
