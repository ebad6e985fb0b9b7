package io.mirrorswitch.health;

import static io.mirrorswitch.health.Fixtures.FALLBACK;
import static io.mirrorswitch.health.Fixtures.HUB1;
import static io.mirrorswitch.health.Fixtures.PRIORITY;
import static io.mirrorswitch.health.Fixtures.failed;
import static io.mirrorswitch.health.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The per-upstream state machine (rise/fall, definite verdicts, cooldown, passive detection) with a fake clock. */
class HealthStateTest {
    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final HealthBoard board = Fixtures.board(clock, PRIORITY, HUB1, FALLBACK);

    private UpstreamHealth hub1() {
        return board.snapshot().upstream("hub1").orElseThrow();
    }

    private void probe(ProbeResult r) {
        board.recordProbe(r);
        clock.advance(Duration.ofSeconds(30));
    }

    @Test
    void beforeAnyProbeNothingIsHealthyButCandidatesAreNotEmpty() {
        assertFalse(board.snapshot().ready());
        assertEquals("unknown", hub1().stateWord());
        assertEquals(2, board.candidates().size());
        assertEquals("hub1", board.candidates().get(0).name());
    }

    @Test
    void firstRoundDecidesAtOnceBothWays() {
        probe(ok("hub1", clock.instant(), 120));
        probe(failed("fallback", Outcome.DOWN, clock.instant(), "connect refused"));
        assertTrue(hub1().healthy());
        UpstreamHealth fallback = board.snapshot().upstream("fallback").orElseThrow();
        assertFalse(fallback.healthy());
        assertEquals("down", fallback.stateWord());
        assertEquals(Optional.of("connect refused"), fallback.lastError());
    }

    @Test
    void fallNeedsThreeFailuresInARowAndRiseNeedsTwoGoodRounds() {
        probe(ok("hub1", clock.instant(), 120));
        probe(failed("hub1", Outcome.DOWN, clock.instant(), "connect refused"));
        probe(failed("hub1", Outcome.STALLED, clock.instant(), "body stopped"));
        assertTrue(hub1().healthy(), "2 of 3 failures must not eject");
        assertEquals(2, hub1().consecutiveFail());
        probe(failed("hub1", Outcome.NOT_FOUND, clock.instant(), "404"));
        assertFalse(hub1().healthy(), "the third failure in a row ejects");

        probe(ok("hub1", clock.instant(), 120));
        assertFalse(hub1().healthy(), "one good round is not enough after the first");
        assertEquals(1, hub1().consecutiveOk());
        probe(ok("hub1", clock.instant(), 120));
        assertTrue(hub1().healthy());
        assertEquals(0, hub1().consecutiveFail());
    }

    @Test
    void aGoodRoundResetsTheFailureCount() {
        probe(ok("hub1", clock.instant(), 120));
        for (int i = 0; i < 10; i++) {
            probe(failed("hub1", Outcome.DOWN, clock.instant(), "503"));
            probe(failed("hub1", Outcome.DOWN, clock.instant(), "503"));
            probe(ok("hub1", clock.instant(), 120));
        }
        assertTrue(hub1().healthy());
        assertEquals(31, hub1().rounds());
    }

    @ParameterizedTest
    @EnumSource(value = Outcome.class, names = {"CORRUPT", "AUTH_WALL", "FORBIDDEN"})
    void definiteVerdictsEjectAtOnce(Outcome verdict) {
        probe(ok("hub1", clock.instant(), 120));
        probe(ok("hub1", clock.instant(), 120));
        probe(failed("hub1", verdict, clock.instant(), "evidence"));
        assertFalse(hub1().healthy());
        assertEquals(verdict.word(), hub1().stateWord());
    }

    @Test
    void slowStillWorks() {
        probe(ProbeResult.worked("hub1", Outcome.SLOW, clock.instant(), Duration.ofMillis(900), Duration.ofSeconds(7), 1600));
        assertTrue(hub1().healthy());
        assertEquals("slow", hub1().stateWord());
    }

    @Test
    void throttledCoolsDownUntilTheAnnouncedResetAndGoodRoundsInsideDoNotCount() {
        probe(ok("hub1", clock.instant(), 120));
        Instant reset = clock.instant().plus(Duration.ofMinutes(10));
        probe(failed("hub1", Outcome.THROTTLED, clock.instant(), "429 Retry-After 600").withRetryAt(reset));
        assertFalse(hub1().healthy(), "throttled ejects at once");
        assertEquals(Optional.of(reset), hub1().cooldownUntil());

        probe(ok("hub1", clock.instant(), 120));
        probe(ok("hub1", clock.instant(), 120));
        assertFalse(hub1().healthy(), "good rounds inside the cooldown do not count");
        assertEquals(0, hub1().consecutiveOk());

        clock.advance(Duration.ofMinutes(10));
        probe(ok("hub1", clock.instant(), 120));
        assertEquals(Optional.empty(), hub1().cooldownUntil(), "an expired cooldown is cleared");
        assertFalse(hub1().healthy());
        probe(ok("hub1", clock.instant(), 120));
        assertTrue(hub1().healthy());
    }

    @Test
    void throttledWithoutAnnouncedResetUsesTheConfiguredCooldown() {
        Instant now = clock.instant();
        probe(failed("hub1", Outcome.THROTTLED, now, "429"));
        assertEquals(Optional.of(now.plus(Fixtures.HEALTH.throttleCooldown())), hub1().cooldownUntil());
        assertTrue(hub1().coolingDownAt(now.plus(Duration.ofMinutes(4))));
        assertFalse(hub1().coolingDownAt(now.plus(Duration.ofMinutes(5))));
    }

    @Test
    void passiveFailuresEjectAfterFallAndOnlyGoodProbesBringItBack() {
        probe(ok("hub1", clock.instant(), 120));
        board.report(TrafficReport.of("hub1", TrafficFault.SERVER_ERROR, "GET /v2/x/manifests/1 -> 503"));
        board.report(TrafficReport.of("hub1", TrafficFault.CONNECT_FAILURE, "connect refused"));
        assertTrue(hub1().healthy());
        board.report(TrafficReport.of("hub1", TrafficFault.TIMEOUT, "first byte after 10 s"));
        assertFalse(hub1().healthy());
        assertEquals("down", hub1().stateWord());
        assertEquals(Optional.of("traffic: first byte after 10 s"), hub1().lastError());
        assertEquals(Optional.of("hub1"), board.snapshot().active(), "nobody else is healthy: keep the last known good");
        assertFalse(board.snapshot().ready());

        probe(ok("hub1", clock.instant(), 120));
        assertFalse(hub1().healthy(), "one probe is not enough to come back from a traffic ejection");
        probe(ok("hub1", clock.instant(), 120));
        assertTrue(hub1().healthy());
    }

    @Test
    void passiveDefiniteFaultEjectsAtOnceAndThrottleHonoursTheAnnouncedReset() {
        probe(ok("hub1", clock.instant(), 120));
        probe(ok("fallback", clock.instant(), 120));
        board.report(TrafficReport.of("hub1", TrafficFault.DIGEST_MISMATCH, "blob sha256:ab.. hashed to sha256:cd.."));
        assertFalse(hub1().healthy());
        assertEquals("corrupt", hub1().stateWord());

        Instant reset = clock.instant().plus(Duration.ofHours(1));
        board.report(new TrafficReport("fallback", TrafficFault.THROTTLED, "429", Optional.of(reset)));
        UpstreamHealth fallback = board.snapshot().upstream("fallback").orElseThrow();
        assertFalse(fallback.healthy());
        assertEquals(Optional.of(reset), fallback.cooldownUntil());
    }

    @Test
    void theLastErrorCarriesItsTimeAndIsKeptAfterRecoveryWithHealthySinceTellingItIsOld() {
        probe(ok("hub1", clock.instant(), 120));
        Instant failedAt = null;
        for (int i = 0; i < 3; i++) {
            failedAt = clock.instant();
            probe(failed("hub1", Outcome.DOWN, clock.instant(), "connect refused"));
        }
        assertFalse(hub1().healthy());
        assertEquals(Optional.of("connect refused"), hub1().lastError());
        assertEquals(Optional.of(failedAt), hub1().lastErrorAt(), "the time of the latest failure");

        probe(ok("hub1", clock.instant(), 120));
        probe(ok("hub1", clock.instant(), 120));
        assertTrue(hub1().healthy());
        assertEquals(Optional.of("connect refused"), hub1().lastError(), "kept: what last went wrong, and when");
        assertEquals(Optional.of(failedAt), hub1().lastErrorAt());
        assertTrue(hub1().healthySince().orElseThrow().isAfter(failedAt), "healthy since after it: an old error");

        Instant trafficAt = clock.instant();
        board.report(TrafficReport.of("hub1", TrafficFault.SERVER_ERROR, "GET /v2/x/manifests/1 -> 503"));
        assertEquals(Optional.of("traffic: GET /v2/x/manifests/1 -> 503"), hub1().lastError());
        assertEquals(Optional.of(trafficAt), hub1().lastErrorAt());
    }

    @Test
    void latencyIsSmoothed() {
        probe(ok("hub1", clock.instant(), 100));
        probe(ok("hub1", clock.instant(), 200));
        assertEquals(130.0, hub1().latencyMs().getAsDouble(), 0.001);
        probe(failed("hub1", Outcome.DOWN, clock.instant(), "503"));
        assertEquals(130.0, hub1().latencyMs().getAsDouble(), 0.001, "failed rounds do not move the latency");
        assertTrue(hub1().bytesPerSecond().isPresent());
    }

    @Test
    void resultsForUnknownUpstreamsAreIgnored() {
        HealthSnapshot before = board.snapshot();
        board.recordProbe(ok("gone", clock.instant(), 100));
        board.report(TrafficReport.of("gone", TrafficFault.TIMEOUT, "x"));
        assertEquals(before, board.snapshot());
    }
}
