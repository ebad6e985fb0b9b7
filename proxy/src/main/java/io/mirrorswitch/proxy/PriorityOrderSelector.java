package io.mirrorswitch.proxy;

import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.health.TrafficReport;
import io.mirrorswitch.health.UpstreamSelector;
import java.util.List;

/** Interim selector: configured priority order, no health. Replaced by the health board. */
final class PriorityOrderSelector implements UpstreamSelector {
    private final List<UpstreamConfig> upstreams;

    PriorityOrderSelector(List<UpstreamConfig> upstreams) {
        this.upstreams = List.copyOf(upstreams);
    }

    @Override
    public List<UpstreamConfig> candidates() {
        return upstreams;
    }

    @Override
    public void report(TrafficReport report) {
    }
}
