package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.SelectionConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The board's whole state, immutable, with pure transitions: a probe result, a traffic report or a new upstream
 * list goes in, the next state comes out together with what happened (a switch, notices worth a log line).
 * {@link HealthBoard} only serializes the writers and publishes the result.
 *
 * <p>The first choice waits for the first round of every upstream ({@code firstRoundsDue} is when it stops
 * waiting: the start plus {@code health.timeout}), so whichever round happens to finish first is not selected
 * only to be replaced a moment later. Meanwhile requests go to the healthy upstreams in policy order. A reload
 * that changes {@code health.probe}, or takes away the active upstream, waits the same way.
 */
record BoardState(
        HealthSnapshot snapshot,
        List<UpstreamConfig> configs,
        List<UpstreamConfig> candidates,
        HealthConfig health,
        SelectionPolicy policy,
        ChallengerStreak streak,
        Optional<Instant> firstRoundsDue) {

    /** A log-worthy change of one upstream, or of the whole board. */
    record Notice(boolean warn, String text) {
    }

    record Transition(BoardState next, Optional<SwitchEvent> switched, List<Notice> notices) {
    }

    static BoardState initial(List<UpstreamConfig> configs, HealthConfig health, SelectionConfig selection, Instant now) {
        List<UpstreamHealth> ups = sorted(configs).stream().map(UpstreamHealth::unknown).toList();
        SelectionPolicy policy = SelectionPolicy.of(selection, health);
        HealthSnapshot snapshot = new HealthSnapshot(now, policy.name(), ups, Optional.empty(), Optional.empty(),
                "waiting for the first probe rounds", false, List.of());
        return new BoardState(snapshot, sorted(configs), candidates(sorted(configs), ups, Optional.empty(), policy),
                health, policy, ChallengerStreak.NONE, Optional.of(now.plus(health.timeout())));
    }

    Transition withProbe(ProbeResult result, Instant now) {
        return update(result.upstream(), h -> HealthTransitions.probed(h, result, health, now), "",
                Optional.of(result.upstream()), now);
    }

    Transition withTraffic(TrafficReport report, Instant now) {
        return update(report.upstream(), h -> HealthTransitions.traffic(h, report, health, now), " on live traffic",
                Optional.empty(), now);
    }

    /**
     * Live reload: an upstream whose name and url survive keeps its health (a running throttle cooldown too); one
     * whose url changed starts unknown, like a new one: it is another server (and when it was the active one, the
     * choice waits for its first round). When {@code health.probe} changed, the kept health is carried over until
     * each upstream's next round, which decides at once, and the choice waits for those rounds (at most
     * {@code health.timeout}) as it does at start.
     */
    Transition withUpstreams(List<UpstreamConfig> newConfigs, HealthConfig newHealth, SelectionConfig selection,
                             Instant now) {
        List<UpstreamConfig> ordered = sorted(newConfigs);
        Map<String, UpstreamHealth> old = snapshot.upstreams().stream()
                .collect(Collectors.toMap(UpstreamHealth::name, Function.identity()));
        boolean probeChanged = !newHealth.probe().equals(health.probe());
        List<UpstreamHealth> ups = ordered.stream().map(c -> {
            UpstreamHealth before = old.get(c.name());
            if (before == null || !before.url().equals(c.origin())) {
                return UpstreamHealth.unknown(c);
            }
            return probeChanged ? before.reconfigured(c).withNewProbe() : before.reconfigured(c);
        }).toList();
        Optional<String> active = snapshot.active();
        String reason = snapshot.reason();
        if (active.isPresent()) {
            String name = active.get();
            if (ordered.stream().noneMatch(c -> c.name().equals(name))) {
                active = Optional.empty();
                reason = "the active upstream was removed from the config";
            } else if (!find(ups, name).url().equals(find(snapshot.upstreams(), name).url())) {
                active = Optional.empty();
                reason = "the active upstream's url changed";
            }
        }
        boolean activeDropped = snapshot.active().isPresent() && active.isEmpty();
        Optional<Instant> due = probeChanged || activeDropped ? Optional.of(now.plus(newHealth.timeout())) : firstRoundsDue;
        SelectionPolicy newPolicy = SelectionPolicy.of(selection, newHealth);
        HealthSnapshot kept = new HealthSnapshot(snapshot.at(), newPolicy.name(), snapshot.upstreams(), active,
                active.isPresent() ? snapshot.since() : Optional.empty(), reason, snapshot.allDown(), snapshot.history());
        return new BoardState(kept, ordered, candidates, newHealth, newPolicy, ChallengerStreak.NONE, due)
                .reselect(ups, Optional.empty(), now, new ArrayList<>());
    }

    /** The time for first rounds is up (the checker's timer): choose with what is known. */
    Transition firstRoundsOverdue(Instant now) {
        if (firstRoundsDue.isEmpty()) {
            return new Transition(this, Optional.empty(), List.of());
        }
        return new BoardState(snapshot, configs, candidates, health, policy, streak, Optional.of(now))
                .reselect(snapshot.upstreams(), Optional.empty(), now, new ArrayList<>());
    }

    private Transition update(String name, Function<UpstreamHealth, UpstreamHealth> change, String via,
                              Optional<String> probed, Instant now) {
        Optional<UpstreamHealth> before = snapshot.upstream(name);
        if (before.isEmpty()) {
            // A late result for an upstream removed by a reload.
            return new Transition(this, Optional.empty(), List.of());
        }
        UpstreamHealth after = change.apply(before.get());
        List<Notice> notices = new ArrayList<>();
        notice(before.get(), after, via).ifPresent(notices::add);
        List<UpstreamHealth> ups = snapshot.upstreams().stream().map(u -> u.name().equals(name) ? after : u).toList();
        return reselect(ups, probed, now, notices);
    }

    private Optional<Notice> notice(UpstreamHealth before, UpstreamHealth after, String via) {
        if (before.healthy() && !after.healthy()) {
            String newProbe = before.carriedOver() && !after.carriedOver() ? " by its first round with the new health.probe" : "";
            return Optional.of(new Notice(true, after.name() + " ejected" + via + newProbe + ": "
                    + HealthText.down(after, health.fall())));
        }
        if (!before.healthy() && after.healthy()) {
            String rounds = before.carriedOver() ? "first round with the new health.probe"
                    : after.rounds() == 1 ? "first round" : after.consecutiveOk() + " good rounds";
            return Optional.of(new Notice(false, after.name() + " healthy (" + rounds + "): " + HealthText.up(after)));
        }
        if (!before.judged() && after.judged()) {
            return Optional.of(new Notice(true, after.name() + " unhealthy" + via + " at start: "
                    + HealthText.down(after, health.fall())));
        }
        return Optional.empty();
    }

    /** Re-decides the active upstream after the upstreams changed. */
    private Transition reselect(List<UpstreamHealth> ups, Optional<String> probed, Instant now, List<Notice> notices) {
        List<String> awaited = ups.stream().filter(u -> u.awaitingFirstRound(now)).map(UpstreamHealth::name).toList();
        if (firstRoundsDue.filter(now::isBefore).isPresent() && !awaited.isEmpty()) {
            // No choice yet: it would only be replaced when the other first rounds come in.
            HealthSnapshot next = new HealthSnapshot(now, policy.name(), ups, snapshot.active(), snapshot.since(),
                    waiting(ups, awaited), false, snapshot.history());
            return done(next, ChallengerStreak.NONE, Optional.empty(), notices, firstRoundsDue);
        }
        // Rounds still missing when the wait ends (a hanging upstream) are named in the reason of the choice.
        String missing = firstRoundsDue.isPresent() && !awaited.isEmpty()
                ? " (no first round yet from " + String.join(", ", awaited) + " after "
                        + HealthText.duration(health.timeout()) + ")" : "";
        Optional<String> active = snapshot.active();
        boolean anyHealthy = ups.stream().anyMatch(UpstreamHealth::healthy);
        if (!anyHealthy) {
            boolean allJudged = ups.stream().allMatch(UpstreamHealth::judged);
            // Only an upstream that once served this probe is "last known good"; otherwise there is none to keep.
            Optional<String> kept = active.filter(a -> find(ups, a).servedProbe());
            String reason = nobodyHealthy(ups, kept);
            boolean waitEnded = firstRoundsDue.isPresent();
            boolean lastKnownGoodLost = active.isPresent() && kept.isEmpty();
            if ((allJudged || waitEnded) && (!snapshot.allDown() || lastKnownGoodLost)) {
                notices.add(new Notice(true, reason));
            }
            HealthSnapshot next = new HealthSnapshot(now, policy.name(), ups, kept,
                    kept.isPresent() ? snapshot.since() : Optional.empty(), reason, allJudged, snapshot.history());
            return done(next, ChallengerStreak.NONE, Optional.empty(), notices, Optional.empty());
        }
        Choice choice = policy.choose(new SelectionInput(ups, active, probed, now, streak));
        if (active.filter(choice.active()::equals).isPresent()) {
            boolean recovered = !snapshot.ready();
            UpstreamHealth kept = find(ups, choice.active());
            String reason = recovered ? "recovered: " + HealthText.up(kept)
                    : firstRoundsDue.isPresent() ? "kept after the first rounds with the current health.probe: "
                            + HealthText.up(kept) + missing
                    : snapshot.reason();
            if (recovered) {
                notices.add(new Notice(false, reason));
            }
            HealthSnapshot next = new HealthSnapshot(now, policy.name(), ups, active, snapshot.since(), reason, false,
                    snapshot.history());
            return done(next, choice.streak(), Optional.empty(), notices, Optional.empty());
        }
        String why = choice.reason() + missing;
        SwitchEvent event = new SwitchEvent(now, active, choice.active(), why);
        List<SwitchEvent> history = new ArrayList<>(snapshot.history());
        history.add(event);
        if (history.size() > HealthSnapshot.HISTORY_SIZE) {
            history.subList(0, history.size() - HealthSnapshot.HISTORY_SIZE).clear();
        }
        HealthSnapshot next = new HealthSnapshot(now, policy.name(), ups, Optional.of(choice.active()), Optional.of(now),
                why, false, history);
        return done(next, choice.streak(), Optional.of(event), notices, Optional.empty());
    }

    private String waiting(List<UpstreamHealth> ups, List<String> awaited) {
        String healthy = ups.stream().filter(UpstreamHealth::healthy).map(HealthText::up).collect(Collectors.joining(", "));
        return "waiting for the first probe round of " + String.join(", ", awaited) + " (at most until "
                + firstRoundsDue.orElseThrow() + ") before choosing; "
                + (healthy.isEmpty() ? "nothing healthy so far" : "healthy so far: " + healthy);
    }

    private String nobodyHealthy(List<UpstreamHealth> ups, Optional<String> kept) {
        String states = ups.stream().map(u -> HealthText.down(u, health.fall())).collect(Collectors.joining(", "));
        return kept.map(k -> "no upstream healthy, keeping " + k + " (last known good): ").orElse("no upstream healthy: ")
                + states;
    }

    private Transition done(HealthSnapshot next, ChallengerStreak nextStreak, Optional<SwitchEvent> event,
                            List<Notice> notices, Optional<Instant> due) {
        List<UpstreamConfig> order = candidates(configs, next.upstreams(), next.active(), policy);
        return new Transition(new BoardState(next, configs, order, health, policy, nextStreak, due), event,
                List.copyOf(notices));
    }

    /**
     * The order a request tries upstreams in: the active one, the other healthy ones in policy order, then the
     * rest as a last resort (the active one if it is not healthy, e.g. the last known good one, then those not yet
     * judged, then unhealthy ones, then throttled ones still cooling down). Before the first choice that is the
     * healthy upstreams in policy order, then the rest.
     */
    static List<UpstreamConfig> candidates(List<UpstreamConfig> configs, List<UpstreamHealth> ups, Optional<String> active,
                                           SelectionPolicy policy) {
        Comparator<UpstreamHealth> lastResort = Comparator
                .comparingInt((UpstreamHealth u) -> u.judged() ? (u.cooldownUntil().isPresent() ? 2 : 1) : 0)
                .thenComparingInt(UpstreamHealth::priority);
        Optional<UpstreamHealth> current = active.flatMap(a -> ups.stream().filter(u -> u.name().equals(a)).findFirst());
        List<UpstreamHealth> order = new ArrayList<>();
        current.filter(UpstreamHealth::healthy).ifPresent(order::add);
        ups.stream().filter(UpstreamHealth::healthy).sorted(policy.order()).filter(u -> !order.contains(u)).forEach(order::add);
        current.filter(u -> !order.contains(u)).ifPresent(order::add);
        ups.stream().filter(u -> !u.healthy()).sorted(lastResort).filter(u -> !order.contains(u)).forEach(order::add);
        Map<String, UpstreamConfig> byName = configs.stream().collect(Collectors.toMap(UpstreamConfig::name, c -> c));
        return order.stream().map(u -> byName.get(u.name())).toList();
    }

    private static UpstreamHealth find(List<UpstreamHealth> ups, String name) {
        return ups.stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<UpstreamConfig> sorted(List<UpstreamConfig> configs) {
        return configs.stream().sorted(Comparator.comparingInt(UpstreamConfig::priority)).toList();
    }
}
