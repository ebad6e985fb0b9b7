package io.mirrorswitch.harness;

import java.io.IOException;

/**
 * Streams one body from the target to the client through 64 KiB slices, applying the body faults on
 * the way: cut (stall or truncate) at an offset, corrupt one byte, trickle, and the proxy-wide
 * bandwidth limit. Nothing is buffered beyond one slice, so a 512 MB blob costs 64 KiB of memory.
 *
 * <p>Reads never go past the cut offset, so {@link FaultProxy#bodyBytesFromTarget()} counts exactly
 * what the target had to send.
 */
final class BodyPump {

    static final int BUFFER_SIZE = 64 * 1024;

    enum Outcome {
        /** The whole body went out. */
        COMPLETE,
        /** The cut offset was reached; the caller stalls or truncates. */
        CUT
    }

    /** Reading from the target failed; the client side is still intact. */
    static final class TargetBodyException extends IOException {
        TargetBodyException(IOException cause) {
            super("target body: " + cause.getMessage(), cause);
        }

        /** The target closed cleanly too early, rather than resetting. */
        boolean cleanEnd() {
            return getCause() instanceof java.io.EOFException;
        }
    }

    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final BandwidthLimiter sharedLimit;
    private final TrafficLog traffic;

    BodyPump(BandwidthLimiter sharedLimit, TrafficLog traffic) {
        this.sharedLimit = sharedLimit;
        this.traffic = traffic;
    }

    /**
     * @param fromTarget whether the bytes come from the target (counted) or are a substitute body
     * @param beforeCut  runs once, just before the client can see that the cut was reached (before
     *                   the last slice is written), so state it sets is visible to a test by then
     */
    Outcome copy(BodyReader body, BodyWriter writer, BodyFaults faults, boolean fromTarget, Runnable beforeCut)
            throws IOException {
        long cutAfter = faults.cutAfter();
        long flipAt = faults.flipOffset();
        BandwidthLimiter trickle = faults.trickle() == null ? null
                : new BandwidthLimiter(faults.trickle().bytesPerSecond(), 0);
        long sent = 0;
        boolean cutAnnounced = false;
        while (true) {
            if (sent >= cutAfter) {
                if (!cutAnnounced) {
                    beforeCut.run();
                }
                return Outcome.CUT;
            }
            int want = sharedLimit.sliceFor((int) Math.min(BUFFER_SIZE, cutAfter - sent));
            if (trickle != null) {
                want = trickle.sliceFor(want);
            }
            int n;
            try {
                n = body.read(buffer, 0, want);
            } catch (IOException e) {
                throw fromTarget ? new TargetBodyException(e) : e;
            }
            if (n < 0) {
                break;
            }
            if (fromTarget) {
                traffic.addFromTarget(n);
            }
            if (flipAt >= sent && flipAt < sent + n) {
                buffer[(int) (flipAt - sent)] ^= (byte) 0xFF;
            }
            if (trickle != null) {
                trickle.acquire(n);
            }
            if (sent + n >= cutAfter) {
                beforeCut.run();
                cutAnnounced = true;
            }
            sharedLimit.acquire(n);
            // Counted before writing, so a client holding the bytes never reads a lower count.
            traffic.addToClient(n);
            writer.write(buffer, 0, n);
            sent += n;
        }
        writer.finish(body.trailers());
        return Outcome.COMPLETE;
    }
}
