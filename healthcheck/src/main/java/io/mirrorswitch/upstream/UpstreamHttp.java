package io.mirrorswitch.upstream;

import io.mirrorswitch.config.TimeoutsConfig;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/** The one OkHttp client all upstream traffic shares (one connection pool, one set of timeouts). */
public final class UpstreamHttp {
    private UpstreamHttp() {
    }

    public static OkHttpClient client(TimeoutsConfig timeouts) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(1024);
        dispatcher.setMaxRequestsPerHost(1024);
        return new OkHttpClient.Builder()
                .connectTimeout(timeouts.connect().toMillis(), TimeUnit.MILLISECONDS)
                // A socket read never waits longer than the longer of firstByte and idle. The request path's own
                // watchdog enforces each precisely (firstByte for the headers, idle and minThroughput for bodies);
                // this is the backstop for calls it does not watch (token fetches, probes).
                .readTimeout(Math.max(timeouts.firstByte().toMillis(), timeouts.idle().toMillis()), TimeUnit.MILLISECONDS)
                .writeTimeout(timeouts.firstByte().toMillis(), TimeUnit.MILLISECONDS)
                // Redirects are followed by UpstreamClient so credentials never follow to another host and
                // Range survives.
                .followRedirects(false)
                .followSslRedirects(false)
                // Lets OkHttp recover from a pooled keep-alive connection the upstream already closed (seen when
                // an upstream restarts); without it that stale socket counts as the upstream failing. Our
                // requests are body-less GET/HEAD, so this retry is always safe; failover stays ours.
                .retryOnConnectionFailure(true)
                .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                .dispatcher(dispatcher)
                .build();
    }
}
