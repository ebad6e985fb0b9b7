package io.mirrorswitch.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client the burst gave up on counts as an error, and the burst's time runs until it was given up on. */
class DownloadBurstTest {
    @Test
    void givenUpClientIsAnErrorAndTheTimeRunsUntilThen() {
        long start = 1_000_000_000L;
        List<BurstClient.Outcome> outcomes = List.of(
                new BurstClient.Outcome(10_000_000, null, start + 1_000_000_000L),
                new BurstClient.Outcome(0, "given up: not finished", start + 4_000_000_000L));
        DownloadBurst.Result r = DownloadBurst.summarise(outcomes, start, -1);
        assertEquals(1, r.errors());
        assertEquals(10_000_000, r.bytes());
        assertEquals(4.0, r.seconds(), 1e-9);
        assertEquals(2.5, r.aggregateMbps(), 1e-9);
        assertEquals("given up: not finished", r.firstError());
    }

    @Test
    void nothingReceivedIsZeroNotNaN() {
        DownloadBurst.Result r = DownloadBurst.summarise(List.of(new BurstClient.Outcome(0, "boom", 5)), 5, -1);
        assertEquals(0.0, r.aggregateMbps());
        assertEquals(1, r.errors());
    }

    @Test
    void giveUpWinsOverAStuckDownloadAndStopsIt() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (Exception ignored) {
                    // the client went away
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Target t = new Target("silent", "http://127.0.0.1:" + silent.getLocalPort(), "http://127.0.0.1:1/token", "x");
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            BurstClient c = BurstClient.start(t, new SeedData.Blob("sha256:00", 1), "token", ready, go, 0);
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            assertTrue(c.isReady());
            go.countDown();
            Thread.sleep(200);
            assertNull(c.outcome());
            c.giveUp("given up: test");
            c.awaitEnd(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            BurstClient.Outcome o = c.outcome();
            assertEquals("given up: test", o.error());
            assertEquals(0, o.bytes());
            c.giveUp("again");
            assertEquals("given up: test", c.outcome().error());
            assertFalse(isThreadNamed("burst-0"), "the client's thread should have stopped");
        }
    }

    private static boolean isThreadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().equals(name) && th.isAlive());
    }
}
