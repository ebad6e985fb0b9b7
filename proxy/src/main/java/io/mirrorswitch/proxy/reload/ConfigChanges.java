package io.mirrorswitch.proxy.reload;

import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What differs between the running config and a newly read one, split into what a reload applies live
 * (upstreams, health, selection) and what only a restart can change (the listen and admin sockets, publicUrl
 * behind our token challenge, request-path timeouts, failover and coalescing settings baked into the relay).
 *
 * @param added            upstream names new in the file
 * @param removed          upstream names gone from the file
 * @param changed          upstreams whose url, priority or credentials changed
 * @param healthChanged    any {@code health.*} setting changed
 * @param selectionChanged any {@code selection.*} setting changed
 * @param restartNeeded    top-level keys that differ but are not applied live
 */
public record ConfigChanges(List<String> added, List<String> removed, List<String> changed, boolean healthChanged,
                            boolean selectionChanged, List<String> restartNeeded) {

    public ConfigChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        restartNeeded = List.copyOf(restartNeeded);
    }

    /** The live changes from {@code running} to {@code next}; restart-only keys are compared with {@code started}. */
    public static ConfigChanges between(MirrorswitchConfig started, MirrorswitchConfig running, MirrorswitchConfig next) {
        Map<String, UpstreamConfig> before = byName(running);
        Map<String, UpstreamConfig> after = byName(next);
        List<String> added = after.keySet().stream().filter(n -> !before.containsKey(n)).toList();
        List<String> removed = before.keySet().stream().filter(n -> !after.containsKey(n)).toList();
        List<String> changed = after.keySet().stream()
                .filter(n -> before.containsKey(n) && !before.get(n).equals(after.get(n))).toList();
        List<String> restart = new ArrayList<>();
        addIf(restart, "listen", started.listen(), next.listen());
        addIf(restart, "admin", started.admin(), next.admin());
        addIf(restart, "publicUrl", started.publicUrl(), next.publicUrl());
        addIf(restart, "timeouts", started.timeouts(), next.timeouts());
        addIf(restart, "failover", started.failover(), next.failover());
        addIf(restart, "coalescing", started.coalescing(), next.coalescing());
        return new ConfigChanges(added, removed, changed, !running.health().equals(next.health()),
                !running.selection().equals(next.selection()), restart);
    }

    /** The upstream list or its order changed (a priority swap changes the order but no name). */
    public boolean upstreamsChanged() {
        return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty();
    }

    /** Anything a reload applies live. */
    public boolean anyLive() {
        return upstreamsChanged() || healthChanged || selectionChanged;
    }

    /** What a reload did, one item per kind of change, e.g. {@code upstreams added: c}. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        if (!added.isEmpty()) {
            out.add("upstreams added: " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            out.add("upstreams removed: " + String.join(", ", removed));
        }
        if (!changed.isEmpty()) {
            out.add("upstreams changed (url, priority or credentials): " + String.join(", ", changed));
        }
        if (healthChanged) {
            out.add("health settings changed");
        }
        if (selectionChanged) {
            out.add("selection settings changed");
        }
        return out;
    }

    private static Map<String, UpstreamConfig> byName(MirrorswitchConfig config) {
        return config.upstreams().stream().collect(Collectors.toMap(UpstreamConfig::name, Function.identity(),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private static void addIf(List<String> out, String key, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            out.add(key);
        }
    }
}
