package io.mirrorswitch.health;

import static io.mirrorswitch.health.Fixtures.FALLBACK;
import static io.mirrorswitch.health.Fixtures.HUB1;
import static io.mirrorswitch.health.Fixtures.PRIORITY;
import static io.mirrorswitch.health.Fixtures.THIRD;
import static io.mirrorswitch.health.Fixtures.failed;
import static io.mirrorswitch.health.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.SelectionConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The priority policy and the board's choice of the active upstream, with a fake clock. */
class SelectionTest {
    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final HealthBoard board = Fixtures.board(clock, PRIORITY, HUB1, FALLBACK);
    private final List<SwitchEvent> switches = new ArrayList<>();

    SelectionTest() {
        board.addSwitchListener((event, snapshot) -> switches.add(event));
    }

    private Optional<String> active() {
        return board.snapshot().active();
    }

    private void round(ProbeResult... results) {
        for (ProbeResult r : results) {
            board.recordProbe(r);
        }
        clock.advance(Duration.ofSeconds(30));
    }

    private List<String> candidateNames() {
        return board.candidates().stream().map(UpstreamConfig::name).toList();
    }

    @Test
    void switchesAwayFromAnUnhealthyActiveAtOnceWithAOneLineReason() {
        round(ok("hub1", clock.instant(), 100), ok("fallback", clock.instant(), 412));
        assertEquals(Optional.of("hub1"), active());
        for (int i = 0; i < 3; i++) {
            round(failed("hub1", Outcome.DOWN, clock.instant(), "connect refused"));
        }
        assertEquals(Optional.of("fallback"), active());
        SwitchEvent last = switches.get(switches.size() - 1);
        assertEquals("switched hub1 -> fallback: hub1 down 3/3 (connect refused), fallback ok 412 ms", last.line());
        assertEquals(last, board.snapshot().history().get(board.snapshot().history().size() - 1));
        assertEquals(last.reason(), board.snapshot().reason());
        assertEquals(Optional.of(last.at()), board.snapshot().since());
    }

    @Test
    void aBetterUpstreamWhoseFirstRoundCameAfterTheWaitTakesOverWithoutFailbackDelay() {
        round(ok("fallback", clock.instant(), 300)); // 30 s: health.timeout, hub1's first round is overdue
        board.firstRoundsOverdue();
        assertEquals(Optional.of("fallback"), active());
        assertEquals("selected fallback: fallback ok 300 ms (no first round yet from hub1 after 30 s)",
                switches.get(0).line());
        round(ok("hub1", clock.instant(), 100));
        assertEquals(Optional.of("hub1"), active(), "it never failed: not a failback");
        assertEquals(2, switches.size());
    }

    @Test
    void failsBackOnlyAfterTheBetterUpstreamStayedHealthyForFailbackAfter() {
        round(ok("hub1", clock.instant(), 100), ok("fallback", clock.instant(), 300));
        round(failed("hub1", Outcome.CORRUPT, clock.instant(), "manifest digest mismatch"), ok("fallback", clock.instant(), 300));
        assertEquals(Optional.of("fallback"), active());

        round(ok("hub1", clock.instant(), 100));
        board.recordProbe(ok("hub1", clock.instant(), 100));
        assertTrue(board.snapshot().upstream("hub1").orElseThrow().healthy());
        var healthySince = board.snapshot().upstream("hub1").orElseThrow().healthySince().orElseThrow();
        assertEquals(Optional.of("fallback"), active(), "no failback the moment it is healthy again");

        clock.advance(Duration.ofSeconds(59));
        board.recordProbe(ok("hub1", clock.instant(), 100));
        assertEquals(Optional.of("fallback"), active(), "59 s is not 60 s");

        clock.advance(Duration.ofSeconds(1));
        board.recordProbe(ok("fallback", clock.instant(), 300));
        assertEquals(Optional.of("hub1"), active());
        assertEquals(clock.instant(), healthySince.plus(PRIORITY.failbackAfter()));
        assertTrue(board.snapshot().reason().startsWith("failback: hub1 healthy for 60 s"), board.snapshot().reason());
    }

    @Test
    void allDownKeepsTheLastKnownGoodActiveAndSaysSo() {
        round(ok("hub1", clock.instant(), 100), ok("fallback", clock.instant(), 300));
        int before = switches.size();
        for (int i = 0; i < 3; i++) {
            round(failed("hub1", Outcome.DOWN, clock.instant(), "connect refused"),
                    failed("fallback", Outcome.DOWN, clock.instant(), "503"));
        }
        HealthSnapshot s = board.snapshot();
        assertFalse(s.ready());
        assertTrue(s.allDown());
        assertTrue(s.reason().startsWith("no upstream healthy, keeping "), s.reason());
        // hub1 failed first in the same round, so traffic went to fallback, which is now the last known good.
        String kept = s.active().orElseThrow();
        assertEquals(kept, candidateNames().get(0));
        assertEquals(2, candidateNames().size(), "candidates are never empty: the rest come as a last resort");
        assertEquals(before + 1, switches.size());

        // A dual outage that goes on does not move the choice.
        for (int i = 0; i < 5; i++) {
            round(failed("hub1", Outcome.DOWN, clock.instant(), "connect refused"),
                    failed("fallback", Outcome.DOWN, clock.instant(), "503"));
        }
        assertEquals(Optional.of(kept), board.snapshot().active());
        assertEquals(before + 1, switches.size());

        round(ok("hub1", clock.instant(), 100));
        round(ok("hub1", clock.instant(), 100));
        assertEquals(Optional.of("hub1"), active());
        assertFalse(board.snapshot().allDown());
    }

    @Test
    void recoveringLastKnownGoodIsNotASwitch() {
        round(ok("hub1", clock.instant(), 100), failed("fallback", Outcome.FORBIDDEN, clock.instant(), "403"));
        for (int i = 0; i < 3; i++) {
            round(failed("hub1", Outcome.DOWN, clock.instant(), "connect refused"));
        }
        assertTrue(board.snapshot().allDown());
        assertEquals(Optional.of("hub1"), active());
        round(ok("hub1", clock.instant(), 100));
        round(ok("hub1", clock.instant(), 100));
        assertEquals(1, switches.size());
        assertTrue(board.snapshot().reason().startsWith("recovered: hub1 ok"), board.snapshot().reason());
    }

    @Test
    void noFlappingUnderAlternatingResults() {
        round(ok("hub1", clock.instant(), 100), ok("fallback", clock.instant(), 300));
        for (int i = 0; i < 20; i++) {
            round(failed("hub1", Outcome.DOWN, clock.instant(), "503"), ok("fallback", clock.instant(), 300));
            round(ok("hub1", clock.instant(), 100), ok("fallback", clock.instant(), 300));
        }
        assertEquals(Optional.of("hub1"), active());
        assertEquals(1, switches.size(), "only the initial choice");

        for (int i = 0; i < 3; i++) {
            round(failed("hub1", Outcome.DOWN, clock.instant(), "503"));
        }
        assertEquals(Optional.of("fallback"), active());
        for (int i = 0; i < 20; i++) {
            round(ok("hub1", clock.instant(), 100));
            round(failed("hub1", Outcome.DOWN, clock.instant(), "503"));
        }
        assertEquals(Optional.of("fallback"), active(), "an upstream that never gets rise good rounds in a row stays out");
        assertEquals(2, switches.size());
    }

    @Test
    void candidatesPutActiveFirstThenHealthyThenUnknownThenUnhealthyThenCoolingDown() {
        UpstreamConfig fourth = Fixtures.upstream("fourth", 4);
        UpstreamConfig fifth = Fixtures.upstream("fifth", 5);
        HealthBoard b = new HealthBoard(List.of(fifth, fourth, THIRD, FALLBACK, HUB1), Fixtures.HEALTH, PRIORITY, clock);
        b.recordProbe(ok("fallback", clock.instant(), 100));
        b.recordProbe(ok("fifth", clock.instant(), 100));
        b.recordProbe(failed("hub1", Outcome.THROTTLED, clock.instant(), "429"));
        b.recordProbe(failed("third", Outcome.DOWN, clock.instant(), "503"));
        assertEquals(List.of("fallback", "fifth", "fourth", "third", "hub1"),
                b.candidates().stream().map(UpstreamConfig::name).toList());
    }

    @Test
    void historyIsBounded() {
        HealthConfig eager = new HealthConfig(Duration.ofSeconds(30), "library/alpine:3.19", Duration.ofSeconds(30),
                Duration.ofSeconds(5), 1, 1, 1, Duration.ofMinutes(5));
        HealthBoard b = new HealthBoard(List.of(HUB1, FALLBACK), eager,
                new SelectionConfig(SelectionConfig.Policy.PRIORITY, Duration.ZERO, 0.2), clock);
        List<SwitchEvent> seen = new ArrayList<>();
        b.addSwitchListener((event, snapshot) -> seen.add(event));
        b.recordProbe(ok("fallback", clock.instant(), 100));
        for (int i = 0; i < 15; i++) {
            b.recordProbe(ok("hub1", clock.instant(), 100));
            b.recordProbe(failed("hub1", Outcome.CORRUPT, clock.instant(), "html"));
        }
        assertEquals(30, seen.size(), "selected hub1 once both first rounds were in, then 29 switches");
        assertEquals(HealthSnapshot.HISTORY_SIZE, b.snapshot().history().size());
        assertEquals(seen.subList(30 - HealthSnapshot.HISTORY_SIZE, 30), b.snapshot().history());
    }

    @Test
    void replaceUpstreamsKeepsSurvivorsAndReselectsWhenTheActiveIsRemoved() {
        round(ok("hub1", clock.instant(), 100), ok("fallback", clock.instant(), 300));
        round(ok("hub1", clock.instant(), 100));
        assertEquals(Optional.of("hub1"), active());
        UpstreamConfig fallbackMoved = Fixtures.upstream("fallback", 7);
        board.replaceUpstreams(List.of(fallbackMoved, THIRD), Fixtures.HEALTH, PRIORITY);
        HealthSnapshot s = board.snapshot();
        assertEquals(List.of("third", "fallback"), s.upstreams().stream().map(UpstreamHealth::name).toList());
        UpstreamHealth fallback = s.upstream("fallback").orElseThrow();
        assertTrue(fallback.healthy(), "a surviving upstream keeps its health");
        assertEquals(7, fallback.priority());
        assertEquals("unknown", s.upstream("third").orElseThrow().stateWord());
        // The new choice waits for the new upstream's first round, as at start; requests go to fallback meanwhile.
        assertEquals(Optional.empty(), s.active());
        assertTrue(s.ready());
        assertEquals(List.of("fallback", "third"), candidateNames());

        board.recordProbe(failed("third", Outcome.DOWN, clock.instant(), "connect refused"));
        assertEquals(Optional.of("fallback"), active());
        assertEquals("selected fallback: fallback ok 300 ms", switches.get(switches.size() - 1).line());
        assertEquals(List.of("fallback", "third"), candidateNames());
    }
}
