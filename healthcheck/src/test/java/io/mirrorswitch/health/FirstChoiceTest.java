package io.mirrorswitch.health;

import static io.mirrorswitch.health.Fixtures.FALLBACK;
import static io.mirrorswitch.health.Fixtures.HEALTH;
import static io.mirrorswitch.health.Fixtures.HUB1;
import static io.mirrorswitch.health.Fixtures.PRIORITY;
import static io.mirrorswitch.health.Fixtures.THIRD;
import static io.mirrorswitch.health.Fixtures.failed;
import static io.mirrorswitch.health.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.SelectionConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The first choice after start waits for every upstream's first round (at most health.timeout) and is made once:
 * one "selected" line, no switch, whatever order the first rounds finish in. With a fake clock.
 */
class FirstChoiceTest {
    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final List<String> logged = new ArrayList<>();
    private final List<SwitchEvent> switches = new ArrayList<>();

    private HealthBoard board(SelectionConfig selection, UpstreamConfig... upstreams) {
        HealthBoard board = new HealthBoard(List.of(upstreams), HEALTH, selection, clock, (warn, line) -> logged.add(line));
        board.addSwitchListener((event, snapshot) -> switches.add(event));
        return board;
    }

    private static List<String> names(List<UpstreamConfig> upstreams) {
        return upstreams.stream().map(UpstreamConfig::name).toList();
    }

    private List<String> loggedStartingWith(String... prefixes) {
        return logged.stream().filter(l -> List.of(prefixes).stream().anyMatch(l::startsWith)).toList();
    }

    @Test
    void theLowerPriorityFinishingFirstIsNotSelectedOnlyToBeSwitchedAway() {
        HealthBoard board = board(PRIORITY, HUB1, FALLBACK);
        board.recordProbe(ok("fallback", clock.instant(), 203));

        HealthSnapshot meanwhile = board.snapshot();
        assertEquals(Optional.empty(), meanwhile.active(), "no choice while hub1's first round is out");
        assertTrue(meanwhile.ready(), "/readyz does not wait: one upstream is healthy");
        assertEquals(List.of("fallback", "hub1"), names(board.candidates()), "requests go to what is known healthy");
        assertEquals("waiting for the first probe round of hub1 (at most until 2026-01-01T00:00:30Z) before choosing; "
                + "healthy so far: fallback ok 203 ms", meanwhile.reason());
        assertEquals(List.of(), switches);

        clock.advance(Duration.ofMillis(20));
        board.recordProbe(ok("hub1", clock.instant(), 186));
        assertEquals(Optional.of("hub1"), board.snapshot().active());
        assertEquals(List.of("selected hub1: hub1 ok 186 ms"), switches.stream().map(SwitchEvent::line).toList(),
                "one choice, no switch: the switches counter does not move at every start");
        assertEquals(List.of("selected hub1: hub1 ok 186 ms"), loggedStartingWith("selected ", "switched "));
        assertEquals(List.of("hub1", "fallback"), names(board.candidates()));
    }

    @Test
    void aFailedFirstRoundIsAResultTooAndTheChoiceIsMadeOnItsArrival() {
        HealthBoard board = board(PRIORITY, HUB1, FALLBACK, THIRD);
        board.recordProbe(ok("third", clock.instant(), 90));
        board.recordProbe(ok("fallback", clock.instant(), 300));
        assertEquals(Optional.empty(), board.snapshot().active());
        assertEquals(List.of("fallback", "third", "hub1"), names(board.candidates()), "healthy ones in priority order");
        board.recordProbe(failed("hub1", Outcome.DOWN, clock.instant(), "connect refused"));
        assertEquals(Optional.of("fallback"), board.snapshot().active());
        assertEquals(List.of("selected fallback: fallback ok 300 ms"), switches.stream().map(SwitchEvent::line).toList());
    }

    @Test
    void theFastestPolicyAlsoChoosesOnceWithEveryFirstRoundIn() {
        HealthBoard board = board(Fixtures.FASTEST, HUB1, FALLBACK);
        board.recordProbe(ok("hub1", clock.instant(), 400));
        board.recordProbe(ok("fallback", clock.instant(), 120));
        assertEquals(List.of("selected fallback: fallback ok 120 ms"), switches.stream().map(SwitchEvent::line).toList());
    }

    @Test
    void aHangingFirstRoundDelaysTheChoiceOnlyUntilHealthTimeout() {
        HealthBoard board = board(PRIORITY, HUB1, FALLBACK);
        board.recordProbe(ok("fallback", clock.instant(), 300));
        clock.advance(Duration.ofSeconds(29));
        board.recordProbe(ok("fallback", clock.instant(), 300));
        assertEquals(Optional.empty(), board.snapshot().active(), "29 s is within health.timeout (30 s)");

        clock.advance(Duration.ofSeconds(1));
        board.firstRoundsOverdue(); // the checker's timer
        assertEquals(Optional.of("fallback"), board.snapshot().active());
        assertEquals(List.of("selected fallback: fallback ok 300 ms (no first round yet from hub1 after 30 s)"),
                switches.stream().map(SwitchEvent::line).toList());
        board.firstRoundsOverdue();
        assertEquals(1, switches.size(), "the timer only ends the wait, once");
    }

    @Test
    void withoutTheTimerTheFirstEventAfterHealthTimeoutEndsTheWait() {
        HealthBoard board = board(PRIORITY, HUB1, FALLBACK);
        board.recordProbe(ok("fallback", clock.instant(), 300));
        clock.advance(Duration.ofSeconds(30));
        board.recordProbe(ok("fallback", clock.instant(), 300));
        assertEquals(Optional.of("fallback"), board.snapshot().active());
    }

    @Test
    void whenNothingIsHealthyAndNothingEverWasThereIsNoSwitchAndNoLastKnownGood() {
        HealthBoard board = board(PRIORITY, HUB1, FALLBACK, THIRD);
        String missing = "manifest library/alpne:3.19 not found (404)";
        for (int round = 0; round < 4; round++) {
            board.recordProbe(failed("third", Outcome.NOT_FOUND, clock.instant(), missing));
            board.recordProbe(failed("hub1", Outcome.NOT_FOUND, clock.instant(), missing));
            board.recordProbe(failed("fallback", Outcome.NOT_FOUND, clock.instant(), missing));
            clock.advance(Duration.ofSeconds(30));
        }
        HealthSnapshot s = board.snapshot();
        assertEquals(List.of(), switches);
        assertEquals(Optional.empty(), s.active());
        assertTrue(s.allDown());
        assertFalse(s.ready());
        assertEquals(List.of("hub1", "fallback", "third"), names(board.candidates()), "every upstream is still tried");
        String plain = "no upstream healthy: hub1 not_found (" + missing + "), fallback not_found (" + missing
                + "), third not_found (" + missing + ")";
        assertEquals(plain, s.reason());
        assertEquals(List.of(plain), loggedStartingWith("no upstream", "selected", "switched", "keeping"),
                "said once, plainly");
        assertTrue(logged.stream().noneMatch(l -> l.contains("last known good")), logged.toString());
    }
}
