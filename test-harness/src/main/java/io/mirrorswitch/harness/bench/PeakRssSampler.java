package io.mirrorswitch.harness.bench;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peak resident set size of a process over a stretch of time. VmHWM is reset at the start and read at the end,
 * and VmRSS is sampled every 20 ms besides: the reset is refused without the right to write
 * {@code /proc/<pid>/clear_refs}, and then VmHWM would be the peak since the process started.
 */
final class PeakRssSampler {
    private final long pid;
    private final boolean resetOk;
    private final AtomicLong sampledPeak = new AtomicLong();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final Thread sampler;

    private PeakRssSampler(long pid) {
        this.pid = pid;
        this.resetOk = ProcStatus.resetPeak(pid);
        this.sampler = new Thread(() -> {
            while (sampling.get()) {
                sampledPeak.accumulateAndGet(ProcStatus.rss(pid), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
    }

    static PeakRssSampler start(long pid) {
        PeakRssSampler s = new PeakRssSampler(pid);
        s.sampler.start();
        return s;
    }

    /** Stops sampling; the peak in bytes since {@link #start}. */
    long stop() {
        sampling.set(false);
        sampler.interrupt();
        return Math.max(sampledPeak.get(), resetOk ? ProcStatus.peak(pid) : 0);
    }
}
