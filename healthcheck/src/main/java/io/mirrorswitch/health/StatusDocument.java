package io.mirrorswitch.health;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Renders a {@link HealthSnapshot} as plain maps, lists, strings, numbers, booleans and nulls, with the field
 * names of issue 3, so any JSON writer (e.g. Jackson's {@code ObjectMapper.writeValueAsString}) produces
 * /status and /readyz without extra modules. Instants are ISO-8601 strings, durations milliseconds.
 */
public final class StatusDocument {
    private StatusDocument() {
    }

    /** The /status document: active, since, reason, allDown, policy, upstreams[], history[]. */
    public static Map<String, Object> status(HealthSnapshot s) {
        Map<String, Object> out = summary(s);
        out.put("policy", s.policy());
        out.put("upstreams", s.upstreams().stream().map(StatusDocument::upstream).toList());
        out.put("history", s.history().stream().map(StatusDocument::switchEvent).toList());
        return out;
    }

    /** The /readyz body: ready, active, since, reason, allDown, healthy (names). 200 when ready, else 503. */
    public static Map<String, Object> summary(HealthSnapshot s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ready", s.ready());
        out.put("active", s.active().orElse(null));
        out.put("since", time(s.since()));
        out.put("reason", s.reason());
        out.put("allDown", s.allDown());
        out.put("healthy", s.healthyNames());
        return out;
    }

    public static Map<String, Object> upstream(UpstreamHealth u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", u.name());
        out.put("url", u.url());
        out.put("priority", u.priority());
        out.put("healthy", u.healthy());
        out.put("state", u.stateWord());
        out.put("latencyMs", rounded(u.latencyMs()));
        out.put("bytesPerSecond", rounded(u.bytesPerSecond()));
        out.put("consecutiveOk", u.consecutiveOk());
        out.put("consecutiveFail", u.consecutiveFail());
        out.put("cooldownUntil", time(u.cooldownUntil()));
        out.put("healthySince", time(u.healthySince()));
        out.put("rounds", u.rounds());
        out.put("lastProbe", u.lastProbe().map(StatusDocument::lastProbe).orElse(null));
        out.put("lastError", u.lastError().orElse(null));
        out.put("lastErrorAt", time(u.lastErrorAt()));
        return out;
    }

    static Map<String, Object> lastProbe(LastProbe p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", p.at().toString());
        out.put("outcome", p.outcome().word());
        out.put("totalMs", p.total().toMillis());
        out.put("note", p.note());
        out.put("evidence", evidence(p.evidence()));
        return out;
    }

    static Map<String, Object> evidence(ProbeEvidence e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", e.step());
        out.put("status", e.status().isPresent() ? e.status().getAsInt() : null);
        out.put("headers", new LinkedHashMap<>(e.headers()));
        out.put("error", e.error());
        return out;
    }

    static Map<String, Object> switchEvent(SwitchEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", e.at().toString());
        out.put("from", e.from().orElse(null));
        out.put("to", e.to());
        out.put("reason", e.reason());
        return out;
    }

    private static String time(Optional<Instant> t) {
        return t.map(Instant::toString).orElse(null);
    }

    private static Long rounded(OptionalDouble d) {
        return d.isPresent() ? Math.round(d.getAsDouble()) : null;
    }
}
