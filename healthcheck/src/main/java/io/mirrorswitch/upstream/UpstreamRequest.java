package io.mirrorswitch.upstream;

import java.util.Optional;
import okhttp3.Headers;

/**
 * A Registry v2 request to send to some upstream: {@code pathAndQuery} starts with {@code /v2/}; {@code scope}
 * (e.g. {@code repository:library/alpine:pull}) is what a Bearer token must grant. {@code headers} are the
 * end-to-end headers to forward; credentials are added per upstream by {@link UpstreamClient}, never here.
 */
public record UpstreamRequest(String method, String pathAndQuery, Headers headers, Optional<String> scope) {

    public static UpstreamRequest get(String pathAndQuery, String scope) {
        return new UpstreamRequest("GET", pathAndQuery, Headers.of(), Optional.ofNullable(scope));
    }

    public static UpstreamRequest head(String pathAndQuery, String scope) {
        return new UpstreamRequest("HEAD", pathAndQuery, Headers.of(), Optional.ofNullable(scope));
    }

    public UpstreamRequest withHeaders(Headers newHeaders) {
        return new UpstreamRequest(method, pathAndQuery, newHeaders, scope);
    }

    @Override
    public String toString() {
        return method + " " + pathAndQuery;
    }
}
