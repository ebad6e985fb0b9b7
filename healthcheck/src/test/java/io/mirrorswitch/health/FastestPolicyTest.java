package io.mirrorswitch.health;

import static io.mirrorswitch.health.Fixtures.FALLBACK;
import static io.mirrorswitch.health.Fixtures.FASTEST;
import static io.mirrorswitch.health.Fixtures.HUB1;
import static io.mirrorswitch.health.Fixtures.failed;
import static io.mirrorswitch.health.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code selection.policy: fastest}: margin and consecutive challenger rounds, through the board and directly. */
class FastestPolicyTest {
    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final HealthBoard board = Fixtures.board(clock, FASTEST, HUB1, FALLBACK);
    private final List<SwitchEvent> switches = new ArrayList<>();

    FastestPolicyTest() {
        board.addSwitchListener((event, snapshot) -> switches.add(event));
        // These tests are about challengers once a choice was made: the first choice does not wait for the other
        // upstream's first round here (as when that round hangs past health.timeout).
        board.firstRoundsOverdue();
    }

    private Optional<String> active() {
        return board.snapshot().active();
    }

    private void probe(String name, long ttfbMs) {
        board.recordProbe(ok(name, clock.instant(), ttfbMs, ttfbMs + 50));
        clock.advance(Duration.ofSeconds(15));
    }

    @Test
    void aChallengerMustBeatTheActiveByTheMarginForRiseRoundsOfItsOwn() {
        probe("hub1", 500);
        probe("fallback", 100);
        assertEquals(Optional.of("hub1"), active(), "one round of the challenger is not enough");
        probe("hub1", 500);
        assertEquals(Optional.of("hub1"), active(), "the active's own round does not count for the challenger");
        probe("fallback", 100);
        assertEquals(Optional.of("fallback"), active());
        SwitchEvent last = switches.get(switches.size() - 1);
        assertEquals("switched hub1 -> fallback: fallback 100 ms beats hub1 500 ms by 80% (margin 20%) for 2 rounds",
                last.line());
        assertEquals("fallback", board.candidates().get(0).name());
    }

    @Test
    void aChallengerWithinTheMarginNeverTakesOver() {
        probe("hub1", 100);
        for (int i = 0; i < 20; i++) {
            probe("fallback", 85); // 15% better: inside the 20% margin
            probe("hub1", 100);
        }
        assertEquals(Optional.of("hub1"), active());
        assertEquals(1, switches.size());
    }

    @Test
    void noFlappingWhenTheChallengerOnlyWinsEveryOtherRound() {
        probe("hub1", 100);
        int winningRounds = 0;
        for (int i = 0; i < 30; i++) {
            // Its smoothed latency settles into dipping below 80 ms (a win) one round, above it the next.
            probe("fallback", i % 2 == 0 ? 170 : 1);
            if (board.snapshot().upstream("fallback").orElseThrow().latencyMs().getAsDouble() < 80) {
                winningRounds++;
            }
        }
        assertTrue(winningRounds >= 5, "the challenger did win single rounds: " + winningRounds);
        assertEquals(Optional.of("hub1"), active());
        assertEquals(1, switches.size());
    }

    @Test
    void anUnhealthyActiveIsLeftAtOnceForTheFastestHealthy() {
        probe("hub1", 100);
        probe("fallback", 900);
        board.recordProbe(failed("hub1", Outcome.AUTH_WALL, clock.instant(), "token endpoint 401: login required"));
        assertEquals(Optional.of("fallback"), active());
        assertTrue(switches.get(switches.size() - 1).reason()
                .startsWith("hub1 auth_wall (token endpoint 401: login required), fallback ok"));
    }

    @Test
    void streakIsPureStateCarriedInAndOut() {
        FastestPolicy policy = new FastestPolicy(0.2, 2, 3);
        UpstreamHealth a = healthy("hub1", 1, 500);
        UpstreamHealth b = healthy("fallback", 2, 100);
        SelectionInput first = new SelectionInput(List.of(a, b), Optional.of("hub1"), Optional.of("fallback"),
                clock.instant(), ChallengerStreak.NONE);
        Choice one = policy.choose(first);
        assertEquals("hub1", one.active());
        assertEquals(ChallengerStreak.of("fallback", 1), one.streak());
        Choice two = policy.choose(new SelectionInput(List.of(a, b), Optional.of("hub1"), Optional.of("fallback"),
                clock.instant(), one.streak()));
        assertEquals("fallback", two.active());
        assertEquals(ChallengerStreak.NONE, two.streak());
        // Same input with a streak for a different challenger starts over.
        Choice other = policy.choose(new SelectionInput(List.of(a, b), Optional.of("hub1"), Optional.of("fallback"),
                clock.instant(), ChallengerStreak.of("third", 5)));
        assertEquals("hub1", other.active());
    }

    @Test
    void priorityPolicyIsPureToo() {
        PriorityPolicy policy = new PriorityPolicy(Duration.ofSeconds(60), 3);
        UpstreamHealth recovered = healthy("hub1", 1, 100).toBuilder().rounds(9).consecutiveOk(2)
                .healthy(clock.instant().minusSeconds(59)).build();
        UpstreamHealth fallback = healthy("fallback", 2, 100);
        SelectionInput input = new SelectionInput(List.of(recovered, fallback), Optional.of("fallback"),
                Optional.empty(), clock.instant(), ChallengerStreak.NONE);
        assertEquals("fallback", policy.choose(input).active());
        UpstreamHealth longer = recovered.toBuilder().healthy(clock.instant().minusSeconds(60)).build();
        assertEquals("hub1", policy.choose(new SelectionInput(List.of(longer, fallback), Optional.of("fallback"),
                Optional.empty(), clock.instant(), ChallengerStreak.NONE)).active());
    }

    private UpstreamHealth healthy(String name, int priority, double latencyMs) {
        return UpstreamHealth.unknown(Fixtures.upstream(name, priority)).toBuilder()
                .state(Outcome.OK).rounds(1).consecutiveOk(1).latencyMs(latencyMs).healthy(clock.instant()).build();
    }
}
