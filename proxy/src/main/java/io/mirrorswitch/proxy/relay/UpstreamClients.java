package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.upstream.TokenCacheListener;
import io.mirrorswitch.upstream.UpstreamClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/** One {@link UpstreamClient} per configured upstream, by name, all sharing one connection pool. */
public final class UpstreamClients {
    private final Map<String, UpstreamClient> byName;

    public UpstreamClients(List<UpstreamConfig> upstreams, OkHttpClient http, Clock clock, TokenCacheListener listener) {
        Map<String, UpstreamClient> map = new LinkedHashMap<>();
        for (UpstreamConfig upstream : upstreams) {
            map.put(upstream.name(), new UpstreamClient(upstream, http, clock, listener));
        }
        this.byName = Map.copyOf(map);
    }

    public UpstreamClient get(String name) {
        UpstreamClient client = byName.get(name);
        if (client == null) {
            throw new IllegalArgumentException("no upstream named " + name);
        }
        return client;
    }
}
