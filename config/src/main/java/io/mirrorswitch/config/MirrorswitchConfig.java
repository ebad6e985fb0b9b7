package io.mirrorswitch.config;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The whole effective configuration, immutable. {@code upstreams} is sorted by priority (then by the order in
 * the file), which is the order requests fail over in.
 */
public record MirrorswitchConfig(
        HostPort listen,
        HostPort admin,
        Optional<URI> publicUrl,
        List<UpstreamConfig> upstreams,
        HealthConfig health,
        SelectionConfig selection,
        TimeoutsConfig timeouts,
        FailoverConfig failover,
        CoalescingConfig coalescing) {

    public MirrorswitchConfig {
        upstreams = upstreams.stream().sorted(Comparator.comparingInt(UpstreamConfig::priority)).toList();
    }

    /** Without a {@code coalescing:} section: its defaults. */
    public MirrorswitchConfig(HostPort listen, HostPort admin, Optional<URI> publicUrl, List<UpstreamConfig> upstreams,
                              HealthConfig health, SelectionConfig selection, TimeoutsConfig timeouts, FailoverConfig failover) {
        this(listen, admin, publicUrl, upstreams, health, selection, timeouts, failover, CoalescingConfig.DEFAULTS);
    }

    public Optional<UpstreamConfig> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }
}
