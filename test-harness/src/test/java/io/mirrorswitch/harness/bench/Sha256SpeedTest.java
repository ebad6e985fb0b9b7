package io.mirrorswitch.harness.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SHA-256 measurement stays short and yields a finite figure. */
class Sha256SpeedTest {
    @Test
    void measuresWithinTwoSeconds() throws Exception {
        long start = System.nanoTime();
        Sha256Speed.Result r = Sha256Speed.measure();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 2.5, seconds + " s");
        assertTrue(r.bytes() > 0 && r.cpuSeconds() > 0, r.toString());
        assertTrue(r.cell().matches("\\d+\\.\\d\\d CPU-seconds per GB \\(\\d+ MB/s\\)"), r.cell());
    }
}
