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
                // Until the response headers arrive, a read waits at most firstByte; the request path switches
                // the body's source to the idle timeout once headers are in.
                .readTimeout(timeouts.firstByte().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(timeouts.firstByte().toMillis(), TimeUnit.MILLISECONDS)
                // Redirects are followed by UpstreamClient so credentials never follow to another host and
                // Range survives; retries are the request path's decision (bounded failover), not OkHttp's.
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                .dispatcher(dispatcher)
                .build();
    }
}
