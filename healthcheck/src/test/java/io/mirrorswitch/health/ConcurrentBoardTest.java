package io.mirrorswitch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mirrorswitch.config.UpstreamConfig;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Writers from many threads lose no update; readers never see an empty candidate list. */
class ConcurrentBoardTest {
    @Test
    void concurrentWritersAndReaders() throws Exception {
        MutableClock clock = MutableClock.atEpochPlusDay();
        HealthBoard board = Fixtures.board(clock, Fixtures.PRIORITY, Fixtures.HUB1, Fixtures.FALLBACK);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicBoolean sawEmpty = new AtomicBoolean();
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            Future<?> reader = pool.submit(() -> {
                while (writing.get()) {
                    List<UpstreamConfig> c = board.candidates();
                    if (c.isEmpty()) {
                        sawEmpty.set(true);
                    }
                }
            });
            List<Future<?>> writers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String name = t % 2 == 0 ? "hub1" : "fallback";
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        board.recordProbe(i % 3 == 0
                                ? Fixtures.failed(name, Outcome.DOWN, clock.instant(), "503")
                                : Fixtures.ok(name, clock.instant(), 100));
                        board.report(TrafficReport.of(name, TrafficFault.SERVER_ERROR, "503"));
                    }
                }));
            }
            for (Future<?> w : writers) {
                w.get(20, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(20, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertFalse(sawEmpty.get());
        assertEquals(1000, board.snapshot().upstream("hub1").orElseThrow().rounds());
        assertEquals(1000, board.snapshot().upstream("fallback").orElseThrow().rounds());
    }
}
