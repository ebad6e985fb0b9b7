package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The upstreams whose bytes make up one response body, in the order they started sending: the one that answered,
 * then each one a broken blob was resumed on. The response's headers (and {@code X-Mirrorswitch-Upstream}) went
 * out before any resume and name only the first; the access log names them all. A shared fetch resumes on its
 * producer thread while the requests reading it log on theirs, hence thread-safe.
 */
public final class ContributingUpstreams {
    public static final AttachmentKey<ContributingUpstreams> KEY = AttachmentKey.create(ContributingUpstreams.class);

    private final List<String> names = new CopyOnWriteArrayList<>();

    private ContributingUpstreams(String first) {
        names.add(first);
    }

    /** Starts the list for the body {@code exchange} is about to send from {@code first}. */
    static ContributingUpstreams attach(HttpServerExchange exchange, String first) {
        ContributingUpstreams upstreams = new ContributingUpstreams(first);
        exchange.putAttachment(KEY, upstreams);
        return upstreams;
    }

    /** A body that resumed on an upstream which already contributed is not listed twice. */
    UpstreamBody resumedOn(UpstreamBody body) {
        if (body != null && !names.contains(body.upstream())) {
            names.add(body.upstream());
        }
        return body;
    }

    /** For the access log, e.g. {@code a,b}. */
    public String names() {
        return String.join(",", names);
    }
}
