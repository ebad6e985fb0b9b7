package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.TimeoutsConfig;
import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.upstream.CallHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The request path's time limits, driven by a fake clock: no test here waits for real time. */
class TransferWatchdogTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(-5 * S); // nanoTime may be negative: the checks must not care
    private final TransferWatchdog watchdog = new TransferWatchdog(new TimeoutsConfig(Duration.ofSeconds(3),
            Duration.ofSeconds(10), Duration.ofSeconds(15), 32 * 1024, Duration.ofSeconds(10)), now::get, false);

    @Test
    void headersLateByMoreThanFirstByteAbortTheCall() {
        CallHandle handle = new CallHandle();
        Transfer transfer = watchdog.watch(handle);
        now.addAndGet(10 * S);
        watchdog.check();
        assertFalse(handle.isCancelled(), "exactly firstByte is still in time");
        now.addAndGet(1);
        watchdog.check();
        assertTrue(handle.isCancelled());
        assertEquals(TrafficFault.TIMEOUT, transfer.abortFault());
    }

    @Test
    void aBodyReadWaitingLongerThanIdleAbortsTheCall() throws IOException {
        CallHandle handle = new CallHandle();
        Transfer transfer = watchdog.watch(handle);
        transfer.headersArrived();
        transfer.beforeRead();
        now.addAndGet(15 * S);
        watchdog.check();
        assertFalse(handle.isCancelled());
        now.addAndGet(S);
        watchdog.check();
        assertTrue(handle.isCancelled());
        assertEquals(TrafficFault.STALLED, transfer.abortFault());
    }

    @Test
    void timeSpentWritingToASlowClientIsNotBlamedOnTheUpstream() throws IOException {
        CallHandle handle = new CallHandle();
        Transfer transfer = watchdog.watch(handle);
        transfer.headersArrived();
        for (int i = 0; i < 30; i++) {
            transfer.beforeRead();
            now.addAndGet(S / 100);
            transfer.afterRead(64 * 1024);
            now.addAndGet(60 * S); // blocked downstream, not reading
            watchdog.check();
        }
        assertFalse(handle.isCancelled());
        assertNull(transfer.abortReason());
    }

    @Test
    void aTrickleThatIsNeverIdleIsCaughtByMinThroughput() throws IOException {
        CallHandle handle = new CallHandle();
        Transfer transfer = watchdog.watch(handle);
        transfer.headersArrived();
        IOException slow = assertThrows(IOException.class, () -> {
            for (int second = 0; second < 20; second++) {
                transfer.beforeRead();
                now.addAndGet(S);
                watchdog.check();
                transfer.afterRead(1024); // 1 KiB/s, far below 32 KiB/s, yet a byte every second
            }
        });
        assertTrue(slow.getMessage().contains("minThroughput"), slow.getMessage());
        assertEquals(TrafficFault.STALLED, transfer.abortFault());
        assertTrue(handle.isCancelled());
    }

    @Test
    void aSteadyTransferAboveTheMinimumRunsWithoutAnOverallDeadline() throws IOException {
        CallHandle handle = new CallHandle();
        Transfer transfer = watchdog.watch(handle);
        transfer.headersArrived();
        for (int second = 0; second < 3600; second++) { // an hour at 1 MiB/s
            transfer.beforeRead();
            now.addAndGet(S);
            watchdog.check();
            transfer.afterRead(1 << 20);
        }
        assertFalse(handle.isCancelled());
    }

    @Test
    void aFinishedTransferIsNoLongerWatched() {
        CallHandle handle = new CallHandle();
        Transfer transfer = watchdog.watch(handle);
        transfer.close();
        now.addAndGet(60 * S);
        watchdog.check();
        assertFalse(handle.isCancelled());
    }
}
