package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.TimeoutsConfig;
import io.mirrorswitch.upstream.CallHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Enforces the request path's time limits on upstream transfers that are blocked in a read: a response that
 * has not started within {@code firstByte}, and a body read that has waited longer than {@code idle}. It aborts
 * them by cancelling their call, which makes the blocked read fail at once. The slow-but-alive case (bytes keep
 * trickling) is caught by the reading thread itself, see {@link Transfer#afterRead}.
 */
public final class TransferWatchdog implements AutoCloseable {
    private final TimeoutsConfig timeouts;
    private final LongSupplier nanoTime;
    private final Set<Transfer> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    /** Set by {@link #abortAll}: why every transfer, present and future, is cut. */
    private volatile String cutReason;

    public TransferWatchdog(TimeoutsConfig timeouts) {
        this(timeouts, System::nanoTime, true);
    }

    /** With {@code tick} false nothing runs by itself: tests drive {@link #check()} with their own clock. */
    TransferWatchdog(TimeoutsConfig timeouts, LongSupplier nanoTime, boolean tick) {
        this.timeouts = timeouts;
        this.nanoTime = nanoTime;
        if (tick) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "transfer-watchdog");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleWithFixedDelay(this::check, 200, 200, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** Starts watching one attempt; its response headers must arrive within {@code firstByte} from now. */
    Transfer watch(CallHandle handle) {
        Transfer transfer = new Transfer(this, handle, nanoTime.getAsLong() + timeouts.firstByte().toNanos());
        active.add(transfer);
        String reason = cutReason; // read after the add: either this sees it, or abortAll sees the transfer
        if (reason != null) {
            transfer.cut(reason);
        }
        return transfer;
    }

    /**
     * Cuts every upstream transfer in flight and every one started from now on, for a server that is closing: a
     * request thread blocked on an upstream (up to {@code firstByte} or {@code idle} per try, and then the next
     * candidate, and the resumes) would otherwise keep the server's shutdown waiting for it.
     */
    public void abortAll(String reason) {
        cutReason = reason;
        for (Transfer transfer : active) {
            transfer.cut(reason);
        }
    }

    /** Why every transfer is being cut ({@link #abortAll}: the server is closing), or null while it runs. */
    String cutReason() {
        return cutReason;
    }

    void check() {
        long now = nanoTime.getAsLong();
        for (Transfer transfer : active) {
            transfer.check(now, timeouts.idle().toNanos());
        }
    }

    long now() {
        return nanoTime.getAsLong();
    }

    TimeoutsConfig timeouts() {
        return timeouts;
    }

    void forget(Transfer transfer) {
        active.remove(transfer);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
