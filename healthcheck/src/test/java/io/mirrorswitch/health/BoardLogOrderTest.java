package io.mirrorswitch.health;

import static io.mirrorswitch.health.Fixtures.FALLBACK;
import static io.mirrorswitch.health.Fixtures.HEALTH;
import static io.mirrorswitch.health.Fixtures.HUB1;
import static io.mirrorswitch.health.Fixtures.PRIORITY;
import static io.mirrorswitch.health.Fixtures.failed;
import static io.mirrorswitch.health.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The board's log lines come out in the order of the snapshots they describe, even when the writer of an older
 * change is overtaken by a newer one between publishing and logging (two upstreams failing at once).
 */
class BoardLogOrderTest {
    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final CountDownLatch slowWriterInLog = new CountDownLatch(1);
    private final CountDownLatch letSlowWriterGo = new CountDownLatch(1);
    private volatile Thread slowWriter;

    /** Holds the slow writer inside its first log line until the test lets it go. */
    private void write(boolean warn, String text) {
        if (Thread.currentThread() == slowWriter && slowWriterInLog.getCount() > 0) {
            slowWriterInLog.countDown();
            awaitUninterruptibly(letSlowWriterGo);
        }
        written.add(text);
    }

    @Test
    void aChangeOvertakenBeforeItsLogLineIsStillLoggedFirst() throws Exception {
        HealthBoard board = new HealthBoard(List.of(HUB1, FALLBACK), HEALTH, PRIORITY, clock, this::write);
        board.recordProbe(ok("hub1", clock.instant(), 100));
        board.recordProbe(ok("fallback", clock.instant(), 300));
        slowWriter = new Thread(() -> board.recordProbe(failed("hub1", Outcome.CORRUPT, clock.instant(), "html")),
                "slow-writer");
        slowWriter.start();
        assertTrue(slowWriterInLog.await(10, TimeUnit.SECONDS), "the first change is published and being logged");

        // Published after the slow writer's change.
        board.recordProbe(failed("fallback", Outcome.CORRUPT, clock.instant(), "html"));
        letSlowWriterGo.countDown();
        slowWriter.join(10_000);

        List<String> heads = written.stream().map(line -> line.substring(0, line.indexOf(':'))).toList();
        assertEquals(List.of("hub1 healthy (first round)", "fallback healthy (first round)", "selected hub1",
                "hub1 ejected", "switched hub1 -> fallback", "fallback ejected",
                "no upstream healthy, keeping fallback (last known good)"), heads, written.toString());
        assertEquals("fallback", board.snapshot().active().orElseThrow());
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("not let go");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
