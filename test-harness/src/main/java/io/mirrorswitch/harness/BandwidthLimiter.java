package io.mirrorswitch.harness;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket in time form: every byte costs {@code 1/rate} seconds of a shared schedule, and a
 * sender sleeps until its bytes are paid for. Shared by every connection of a proxy it limits the
 * total, like one slow link; owned by one connection it paces that connection (trickle).
 *
 * <p>The burst allowance lets a sender that was idle spend a little saved time at once, so the
 * aggregate rate stays near the limit even when senders take turns; it is small enough that
 * throughput over a fraction of a second is already close to the limit.
 */
final class BandwidthLimiter {

    private final long burstNanos;
    private volatile long bytesPerSecond;
    private long nextFreeNanos = System.nanoTime();

    /** @param bytesPerSecond 0 for no limit */
    BandwidthLimiter(long bytesPerSecond, long burstNanos) {
        this.burstNanos = burstNanos;
        setRate(bytesPerSecond);
    }

    synchronized void setRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nextFreeNanos = System.nanoTime(); // a new limit starts with an empty schedule
    }

    long rate() {
        return bytesPerSecond;
    }

    /**
     * How many bytes one send should carry so the flow stays smooth: about 1/20 s worth, at least one
     * byte and at most {@code max}.
     */
    int sliceFor(int max) {
        long rate = bytesPerSecond;
        return rate <= 0 ? max : (int) Math.max(1, Math.min(max, rate / 20));
    }

    /** Blocks until {@code bytes} may be sent. */
    void acquire(int bytes) throws InterruptedIOException {
        long rate = bytesPerSecond;
        if (rate <= 0 || bytes <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(nextFreeNanos, now - burstNanos);
            nextFreeNanos = start + TimeUnit.SECONDS.toNanos(bytes) / rate;
            waitNanos = nextFreeNanos - now;
        }
        if (waitNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing");
            }
        }
    }
}
