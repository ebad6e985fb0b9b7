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

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a live reload keeps of each upstream's health, and what it makes the board re-learn. With a fake clock. */
class ReloadHealthTest {
    private static final String MISSING = "manifest library/alpne:3.19 not found (404)";
    private static final HealthConfig TYPO = withProbe("library/alpne:3.19");

    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final List<String> logged = new ArrayList<>();
    private final List<SwitchEvent> switches = new ArrayList<>();
    private final HealthBoard board = new HealthBoard(List.of(HUB1, FALLBACK, THIRD), HEALTH, PRIORITY, clock,
            (warn, line) -> logged.add(line));

    ReloadHealthTest() {
        board.addSwitchListener((event, snapshot) -> switches.add(event));
        board.recordProbe(ok("hub1", clock.instant(), 100));
        board.recordProbe(ok("fallback", clock.instant(), 200));
        board.recordProbe(ok("third", clock.instant(), 300));
        clock.advance(Duration.ofSeconds(30));
    }

    private static HealthConfig withProbe(String probe) {
        HealthConfig d = HEALTH;
        return new HealthConfig(d.interval(), probe, d.timeout(), d.slowAfter(), d.rise(), d.fall(), d.deepEvery(),
                d.throttleCooldown());
    }

    private List<String> linesAfter(int index) {
        return logged.subList(index, logged.size());
    }

    @Test
    void aProbeTypoOnReloadEjectsEveryUpstreamOnceWithoutSwitchesOrALastKnownGood() {
        assertEquals(Optional.of("hub1"), board.snapshot().active());
        int switchesBefore = switches.size();
        int linesBefore = logged.size();
        board.replaceUpstreams(List.of(HUB1, FALLBACK, THIRD), TYPO, PRIORITY);
        assertTrue(board.snapshot().reason().startsWith("waiting for the first probe round of hub1, fallback, third"),
                board.snapshot().reason());
        assertEquals(Optional.of("hub1"), board.snapshot().active(), "kept while the new probe's first rounds run");

        for (int round = 0; round < 3; round++) {
            // The active one fails first: with health kept by name, the others (still "healthy" from the old
            // probe) used to take over one by one, each with a failed round of the new probe.
            board.recordProbe(failed("hub1", Outcome.NOT_FOUND, clock.instant(), MISSING));
            board.recordProbe(failed("fallback", Outcome.NOT_FOUND, clock.instant(), MISSING));
            board.recordProbe(failed("third", Outcome.NOT_FOUND, clock.instant(), MISSING));
            clock.advance(Duration.ofSeconds(30));
        }

        HealthSnapshot s = board.snapshot();
        assertEquals(switchesBefore, switches.size(), "no switch to an upstream that never served the new probe");
        assertEquals(Optional.empty(), s.active(), "nothing is good under this config: no last known good");
        assertTrue(s.allDown());
        String plain = "no upstream healthy: hub1 not_found (" + MISSING + "), fallback not_found (" + MISSING
                + "), third not_found (" + MISSING + ")";
        assertEquals(plain, s.reason());
        assertEquals(List.of(
                "hub1 ejected by its first round with the new health.probe: hub1 not_found (" + MISSING + ")",
                "fallback ejected by its first round with the new health.probe: fallback not_found (" + MISSING + ")",
                "third ejected by its first round with the new health.probe: third not_found (" + MISSING + ")",
                plain), linesAfter(linesBefore));
        assertEquals(List.of("hub1", "fallback", "third"), board.candidates().stream().map(UpstreamConfig::name).toList());

        // The typo fixed: every first round with the corrected probe is in, then one choice.
        board.replaceUpstreams(List.of(HUB1, FALLBACK, THIRD), HEALTH, PRIORITY);
        board.recordProbe(ok("third", clock.instant(), 300));
        board.recordProbe(ok("fallback", clock.instant(), 200));
        assertEquals(Optional.empty(), board.snapshot().active());
        board.recordProbe(ok("hub1", clock.instant(), 100));
        assertEquals(Optional.of("hub1"), board.snapshot().active());
        assertEquals(List.of("selected hub1: hub1 ok 100 ms"),
                switches.subList(switchesBefore, switches.size()).stream().map(SwitchEvent::line).toList());
    }

    @Test
    void aNewProbeThatWorksKeepsTheActiveWithoutASwitch() {
        int switchesBefore = switches.size();
        board.replaceUpstreams(List.of(HUB1, FALLBACK, THIRD), withProbe("library/busybox:latest"), PRIORITY);
        board.recordProbe(ok("third", clock.instant(), 300));
        assertTrue(board.snapshot().reason().startsWith("waiting for the first probe round of hub1, fallback"),
                board.snapshot().reason());
        board.recordProbe(ok("hub1", clock.instant(), 100));
        board.recordProbe(ok("fallback", clock.instant(), 200));
        assertEquals(Optional.of("hub1"), board.snapshot().active());
        assertEquals(switchesBefore, switches.size());
        assertEquals("kept after the first rounds with the current health.probe: hub1 ok 100 ms", board.snapshot().reason());
    }

    @Test
    void anActiveThatFailsTheNewProbeIsLeftOnceEveryFirstRoundIsIn() {
        int switchesBefore = switches.size();
        board.replaceUpstreams(List.of(HUB1, FALLBACK, THIRD), withProbe("library/busybox:latest"), PRIORITY);
        board.recordProbe(failed("hub1", Outcome.NOT_FOUND, clock.instant(), "manifest library/busybox:latest not found (404)"));
        assertEquals(List.of("fallback", "third", "hub1"), board.candidates().stream().map(UpstreamConfig::name).toList(),
                "an ejected active is not tried first while the others' rounds run");
        board.recordProbe(ok("third", clock.instant(), 300));
        board.recordProbe(ok("fallback", clock.instant(), 200));
        assertEquals(List.of("switched hub1 -> fallback: hub1 not_found (manifest library/busybox:latest not found (404)), "
                + "fallback ok 200 ms"), switches.subList(switchesBefore, switches.size()).stream().map(SwitchEvent::line).toList());
    }

    @Test
    void aReloadKeepsAThrottleCooldownByNameButAChangedUrlStartsTheUpstreamFresh() {
        Instant reset = clock.instant().plus(Duration.ofHours(24));
        board.recordProbe(failed("fallback", Outcome.THROTTLED, clock.instant(), "429 Retry-After 86400").withRetryAt(reset));
        UpstreamConfig fallbackCredentials = Fixtures.withCredentials("fallback", 2, "new-password");
        board.replaceUpstreams(List.of(HUB1, fallbackCredentials, THIRD), HEALTH, PRIORITY);
        UpstreamHealth kept = board.snapshot().upstream("fallback").orElseThrow();
        assertEquals(Optional.of(reset), kept.cooldownUntil(), "same name and url: the cooldown stays");
        assertEquals("throttled", kept.stateWord());

        UpstreamConfig moved = new UpstreamConfig("fallback", URI.create("https://new-mirror.example"), 2,
                Optional.empty(), Optional.empty());
        board.replaceUpstreams(List.of(HUB1, moved, THIRD), HEALTH, PRIORITY);
        UpstreamHealth fresh = board.snapshot().upstream("fallback").orElseThrow();
        assertEquals("https://new-mirror.example", fresh.url());
        assertEquals(Optional.empty(), fresh.cooldownUntil(), "another server: no cooldown, probed at once");
        assertEquals("unknown", fresh.stateWord());
        assertEquals(Optional.empty(), fresh.lastError());
        assertEquals(0, fresh.rounds());
        assertFalse(fresh.coolingDownAt(clock.instant()));
        assertEquals(Optional.of("hub1"), board.snapshot().active(), "the active one is not touched");
    }

    @Test
    void whenTheActiveUpstreamsUrlChangesTheChoiceWaitsForItsFirstRound() {
        int switchesBefore = switches.size();
        UpstreamConfig moved = new UpstreamConfig("hub1", URI.create("https://hub1-new.example"), 1,
                Optional.empty(), Optional.empty());
        board.replaceUpstreams(List.of(moved, FALLBACK, THIRD), HEALTH, PRIORITY);
        assertEquals(Optional.empty(), board.snapshot().active());
        assertEquals(List.of("fallback", "third", "hub1"), board.candidates().stream().map(UpstreamConfig::name).toList());
        board.recordProbe(ok("hub1", clock.instant(), 150));
        assertEquals(List.of("selected hub1: hub1 ok 150 ms"),
                switches.subList(switchesBefore, switches.size()).stream().map(SwitchEvent::line).toList());
    }
}
