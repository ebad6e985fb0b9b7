package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.util.Locale;
import java.util.Set;
import okhttp3.Headers;

/**
 * Which headers cross mirrorswitch, in each direction. Toward upstreams: an allow-list (every {@code Accept}
 * line kept separate, since registry:2 negotiates with six of them); our own {@code Authorization} and any
 * cookie stay behind. Back to registry:2: everything end-to-end except upstream auth challenges and cookies.
 */
public final class ForwardedHeaders {
    private static final Set<String> TO_UPSTREAM = Set.of(
            "accept", "accept-encoding", "range", "if-none-match", "if-match", "if-modified-since", "user-agent");
    private static final Set<String> NOT_BACK = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "www-authenticate", "set-cookie", "content-length");

    private ForwardedHeaders() {
    }

    public static Headers toUpstream(HeaderMap downstream) {
        Headers.Builder out = new Headers.Builder();
        for (HeaderValues values : downstream) {
            String name = values.getHeaderName().toString();
            if (TO_UPSTREAM.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : values) {
                    out.addUnsafeNonAscii(name, value);
                }
            }
        }
        return out.build();
    }

    /** Copies response headers; {@code Content-Length} is set by the caller, which knows what it will send. */
    public static void toDownstream(Headers upstream, HttpServerExchange exchange) {
        HeaderMap out = exchange.getResponseHeaders();
        for (String name : upstream.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_BACK.contains(lower)) {
                continue;
            }
            HttpString header = HttpString.tryFromString(name);
            for (String value : upstream.values(name)) {
                out.add(header, "link".equals(lower) ? relativeLink(value) : value);
            }
        }
    }

    /**
     * Tag list pagination: {@code <https://mirror/v2/x/tags/list?last=a>; rel="next"} becomes
     * {@code </v2/x/tags/list?last=a>; rel="next"} so the next page is asked of us, not of that mirror.
     */
    static String relativeLink(String value) {
        int open = value.indexOf('<');
        int close = value.indexOf('>', open + 1);
        if (open < 0 || close < 0) {
            return value;
        }
        String target = value.substring(open + 1, close);
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return value;
        }
        int path = target.indexOf('/', scheme + 3);
        String relative = path < 0 ? "/" : target.substring(path);
        return value.substring(0, open + 1) + relative + value.substring(close);
    }
}
