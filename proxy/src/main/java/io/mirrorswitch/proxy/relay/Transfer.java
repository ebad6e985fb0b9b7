package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.upstream.CallHandle;
import java.io.IOException;

/**
 * One watched upstream attempt: first the wait for response headers, then the body reads. Only time spent
 * waiting on the upstream counts, never time spent writing to a slow downstream client, so a slow client
 * cannot get a healthy upstream blamed.
 */
final class Transfer implements AutoCloseable {
    private final TransferWatchdog watchdog;
    private final CallHandle handle;
    private final long headersDeadline;
    private volatile boolean headersArrived;
    private volatile boolean reading;
    private volatile long readStartedAt;
    private volatile String abortReason;
    private volatile TrafficFault abortFault;
    private long windowWaitNanos;
    private long windowBytes;

    Transfer(TransferWatchdog watchdog, CallHandle handle, long headersDeadline) {
        this.watchdog = watchdog;
        this.handle = handle;
        this.headersDeadline = headersDeadline;
    }

    CallHandle handle() {
        return handle;
    }

    void headersArrived() {
        headersArrived = true;
    }

    void beforeRead() {
        readStartedAt = watchdog.now();
        reading = true;
    }

    /**
     * Accounts one read and fails the transfer when the upstream has delivered less than {@code minThroughput}
     * over a full window of waiting on it.
     */
    void afterRead(long bytes) throws IOException {
        long now = watchdog.now();
        windowWaitNanos += now - readStartedAt;
        windowBytes += Math.max(bytes, 0);
        reading = false;
        long window = watchdog.timeouts().throughputWindow().toNanos();
        if (windowWaitNanos >= window) {
            double perSecond = windowBytes / (windowWaitNanos / 1e9);
            if (perSecond < watchdog.timeouts().minThroughputBytesPerSecond()) {
                abort(TrafficFault.STALLED, String.format("slow: %.0f B/s over %ds, below minThroughput",
                        perSecond, window / 1_000_000_000L));
                throw new IOException(abortReason);
            }
            windowWaitNanos = 0;
            windowBytes = 0;
        }
    }

    void check(long now, long idleNanos) {
        if (!headersArrived) {
            if (now - headersDeadline > 0) {
                abort(TrafficFault.TIMEOUT, "no response headers within firstByte");
            }
            return;
        }
        if (reading && now - readStartedAt > idleNanos) {
            abort(TrafficFault.STALLED, "stalled: no body bytes for " + idleNanos / 1_000_000 + "ms (idle)");
        }
    }

    /**
     * Aborts the transfer because the server is closing, not because of anything the upstream did; it still counts
     * as a connection failure of the try (the request cannot tell the difference, and the board goes away next).
     */
    void cut(String reason) {
        abort(TrafficFault.CONNECT_FAILURE, reason);
    }

    /** Why the watchdog aborted this transfer, or null when it did not. */
    String abortReason() {
        return abortReason;
    }

    TrafficFault abortFault() {
        return abortFault;
    }

    private void abort(TrafficFault fault, String reason) {
        if (abortReason == null) {
            abortFault = fault;
            abortReason = reason;
            handle.cancel();
        }
    }

    @Override
    public void close() {
        watchdog.forget(this);
    }
}
