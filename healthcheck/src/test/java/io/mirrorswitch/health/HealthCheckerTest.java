package io.mirrorswitch.health;

import static io.mirrorswitch.health.Fixtures.FALLBACK;
import static io.mirrorswitch.health.Fixtures.HUB1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.upstream.UpstreamClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** Scheduling of rounds, with a manual scheduler and clock: no sleeps. */
class HealthCheckerTest {
    private static final OkHttpClient HTTP = new OkHttpClient();
    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<String> probed = Collections.synchronizedList(new ArrayList<>());

    private static HealthConfig health(int deepEvery) {
        return new HealthConfig(Duration.ofSeconds(30), "library/alpine:3.19", Duration.ofSeconds(30),
                Duration.ofSeconds(5), 2, 3, deepEvery, Duration.ofMinutes(5));
    }

    private static List<UpstreamClient> clients(UpstreamConfig... upstreams) {
        return java.util.Arrays.stream(upstreams).map(u -> new UpstreamClient(u, HTTP)).toList();
    }

    private HealthBoard board(HealthConfig health) {
        return new HealthBoard(List.of(HUB1, FALLBACK), health, Fixtures.PRIORITY, clock);
    }

    private UpstreamProbe recordingOk() {
        return (client, deep) -> {
            probed.add(client.upstream().name() + (deep ? " deep" : " shallow"));
            return Fixtures.ok(client.upstream().name(), clock.instant(), 100);
        };
    }

    @Test
    void firstRoundOfEveryUpstreamRunsAtOnceThenEveryIntervalWithJitter() {
        HealthBoard board = board(health(1));
        double[] randoms = {0.0, 1.0, 0.5, 0.5};
        int[] next = {0};
        HealthChecker checker = new HealthChecker(board, recordingOk(), clients(HUB1, FALLBACK), scheduler, Runnable::run,
                clock, () -> randoms[next[0]++ % randoms.length]);
        checker.start();
        assertEquals(List.of(), probed, "nothing runs on the caller's thread");
        scheduler.runDue();
        assertEquals(List.of("hub1 deep", "fallback deep"), probed);
        assertTrue(board.snapshot().ready());
        assertEquals(List.of(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(27),
                Duration.ofSeconds(33)), scheduler.delays(), "first rounds at once, the first-rounds timer at health.timeout, "
                + "then interval 30 s, jitter ±10 %");

        scheduler.advance(Duration.ofSeconds(27));
        assertEquals(3, probed.size());
        scheduler.advance(Duration.ofSeconds(6));
        assertEquals(4, probed.size());
        checker.stop();
    }

    @Test
    void deepEveryMakesOnlyEveryNthRoundDeep() {
        HealthBoard board = new HealthBoard(List.of(HUB1), health(3), Fixtures.PRIORITY, clock);
        HealthChecker checker = new HealthChecker(board, recordingOk(), clients(HUB1), scheduler, Runnable::run, clock,
                () -> 0.5);
        checker.start();
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(30 * 4));
        assertEquals(List.of("hub1 deep", "hub1 shallow", "hub1 shallow", "hub1 deep", "hub1 shallow"), probed);
        checker.stop();
    }

    @Test
    void aThrottledUpstreamIsNotProbedBeforeItsCooldownEnds() {
        HealthBoard board = new HealthBoard(List.of(HUB1), health(1), Fixtures.PRIORITY, clock);
        Instant reset = clock.instant().plus(Duration.ofMinutes(10));
        UpstreamProbe probe = (client, deep) -> {
            probed.add("hub1");
            return probed.size() == 1
                    ? Fixtures.failed("hub1", Outcome.THROTTLED, clock.instant(), "429 Retry-After 600").withRetryAt(reset)
                    : Fixtures.ok("hub1", clock.instant(), 100);
        };
        HealthChecker checker = new HealthChecker(board, probe, clients(HUB1), scheduler, Runnable::run, clock, () -> 0.5);
        checker.start();
        scheduler.runDue();
        assertEquals(Duration.ofMinutes(10), scheduler.delays().get(2), "after the first round and the first-rounds timer");
        scheduler.advance(Duration.ofMinutes(9));
        assertEquals(1, probed.size());
        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(2, probed.size());

        // A throttle seen on live traffic between rounds also postpones the next round.
        board.report(new TrafficReport("hub1", TrafficFault.THROTTLED, "429", java.util.Optional.of(clock.instant().plus(Duration.ofHours(1)))));
        scheduler.advance(Duration.ofMinutes(59));
        assertEquals(2, probed.size());
        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(3, probed.size());
        checker.stop();
    }

    @Test
    void aHangingRoundDoesNotBlockAnotherUpstreamsRoundNorTheFirstChoiceBeyondTheProbeTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch fallbackRecorded = new CountDownLatch(1);
        CountDownLatch selectionLogged = new CountDownLatch(1);
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        HealthBoard board = new HealthBoard(List.of(HUB1, FALLBACK), health(1), Fixtures.PRIORITY, clock, (warn, line) -> {
            logged.add(line);
            if (line.startsWith("fallback healthy")) {
                fallbackRecorded.countDown();
            }
            if (line.startsWith("selected ") || line.startsWith("switched ")) {
                selectionLogged.countDown();
            }
        });
        UpstreamProbe probe = (client, deep) -> {
            if (client.upstream().name().equals("hub1")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Fixtures.ok(client.upstream().name(), clock.instant(), 100);
        };
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            // Random 1.0: the next rounds come after 33 s, so only the first-rounds timer runs at 30 s.
            HealthChecker checker = new HealthChecker(board, probe, clients(HUB1, FALLBACK), scheduler, pool, clock, () -> 1.0);
            checker.start();
            scheduler.runDue();
            assertTrue(fallbackRecorded.await(10, TimeUnit.SECONDS), "fallback's round finished while hub1's hangs");
            assertFalse(board.snapshot().upstream("hub1").orElseThrow().judged());
            assertTrue(board.snapshot().ready(), "ready as soon as one upstream is healthy");
            assertEquals(java.util.Optional.empty(), board.snapshot().active(), "the choice waits for hub1's first round");
            assertEquals("fallback", board.candidates().get(0).name(), "requests go to the healthy one meanwhile");

            scheduler.advance(Duration.ofSeconds(29));
            assertEquals(java.util.Optional.empty(), board.snapshot().active());
            scheduler.advance(Duration.ofSeconds(1));
            assertEquals(java.util.Optional.of("fallback"), board.snapshot().active(), "health.timeout bounds the wait");
            // The line may be written by the probe thread still writing fallback's line (see BoardLog).
            assertTrue(selectionLogged.await(10, TimeUnit.SECONDS), logged.toString());
            assertTrue(logged.contains("selected fallback: fallback ok 100 ms (no first round yet from hub1 after 30 s)"),
                    logged.toString());
            release.countDown();
            checker.stop();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void stopCancelsPendingRoundsAndARoundThatThrowsKeepsTheChainGoing() {
        HealthBoard board = new HealthBoard(List.of(HUB1), health(1), Fixtures.PRIORITY, clock);
        UpstreamProbe probe = (client, deep) -> {
            probed.add("hub1");
            if (probed.size() == 1) {
                throw new IllegalStateException("bug");
            }
            return Fixtures.ok("hub1", clock.instant(), 100);
        };
        HealthChecker checker = new HealthChecker(board, probe, clients(HUB1), scheduler, Runnable::run, clock, () -> 0.5);
        checker.start();
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(30));
        assertEquals(2, probed.size());
        assertTrue(board.snapshot().ready());
        checker.stop();
        assertEquals(0, scheduler.pending());
        scheduler.advance(Duration.ofMinutes(10));
        assertEquals(2, probed.size());
    }

    @Test
    void probeAllRunsOneDeepRoundPerUpstreamInOrder() {
        List<ProbeResult> results = HealthChecker.probeAll(clients(FALLBACK, HUB1), recordingOk(), Runnable::run);
        assertEquals(List.of("fallback", "hub1"), results.stream().map(ProbeResult::upstream).toList());
        assertEquals(List.of("fallback deep", "hub1 deep"), probed);
    }
}
