package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.proxy.route.RegistryRoute;
import io.mirrorswitch.proxy.route.RouteKind;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import okhttp3.Response;

/**
 * The part of the relay where concurrent GETs of one blob meet: which requests may share, how the first one (the
 * leader) turns its upstream answer into a shared fetch, and how the others (followers) are served from it. The
 * upstream side, candidates, failover and resume, stays in {@link RelayHandler}, which the leader runs as any
 * request does.
 */
final class CoalescingRelay {
    /** Relays one request by itself; {@code lead} is the shared fetch it leads, or null. */
    interface Alone {
        void relay(HttpServerExchange exchange, RegistryRoute route, SharedFetch lead) throws IOException;
    }

    private final SharedBlobFetches fetches;
    private final RelayListener listener;
    private final Supplier<String> serverClosing;

    /** @param serverClosing why the server is closing, or null while it runs (see {@link TransferWatchdog#cutReason}) */
    CoalescingRelay(SharedBlobFetches fetches, RelayListener listener, Supplier<String> serverClosing) {
        this.fetches = fetches;
        this.listener = listener;
        this.serverClosing = serverClosing;
    }

    /** Leads, follows or relays alone, whichever this request's role is. */
    void relay(HttpServerExchange exchange, RegistryRoute route, Alone alone) throws IOException {
        if (!shareable(exchange, route)) {
            alone.relay(exchange, route, null);
            return;
        }
        SharedBlobFetches.Role role = fetches.join(route.reference());
        if (role instanceof SharedBlobFetches.Lead lead) {
            try {
                alone.relay(exchange, route, lead.fetch());
            } finally {
                lead.fetch().abandon(SharedFetch.Abandoned.UNSHAREABLE); // a no-op once started or abandoned
                lead.fetch().leave();
            }
            return;
        }
        if (role instanceof SharedBlobFetches.Follow follow) {
            boolean served;
            try {
                served = follow(exchange, route, follow.fetch());
            } finally {
                follow.fetch().leave();
            }
            if (served) {
                return;
            }
        } else if (role instanceof SharedBlobFetches.Alone unshared && unshared.cap() != null) {
            listener.coalescingCapHit(unshared.cap());
        }
        alone.relay(exchange, route, null);
    }

    /**
     * For the leader holding the upstream's answer: shares it when it is a whole blob of known length, and then
     * sends it from the spool like every follower. False when the body must go out directly instead (the
     * followers were released first, so none waits for a body it cannot have).
     *
     * @param producer copies the upstream body into the shared fetch, on a producer thread
     */
    boolean share(HttpServerExchange exchange, SharedFetch lead, String upstream, Response response, boolean wholeBlob,
                  int attempts, SharedBlobFetches.Producer producer) {
        long length = response.body() == null ? -1 : response.body().contentLength();
        String encoding = response.header("Content-Encoding");
        if (!wholeBlob || length <= 0 || (encoding != null && !encoding.equalsIgnoreCase("identity"))) {
            lead.abandon(SharedFetch.Abandoned.UNSHAREABLE);
            return false;
        }
        SharedAnswer answer = new SharedAnswer(upstream, response.headers(), length,
                exchange.getAttachment(ContributingUpstreams.KEY));
        Optional<CoalescingCap> refused = fetches.start(lead, answer, producer);
        if (refused.isPresent()) {
            listener.coalescingCapHit(refused.get());
            return false;
        }
        exchange.putAttachment(RelayOutcome.KEY, new RelayOutcome(upstream, attempts, true));
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
        SpoolReader.copy(lead, new ResponseChannelDownstream(exchange), why -> DownstreamSink.abort(exchange, why), serverClosing);
        return true;
    }

    /**
     * For the leader after every upstream failed: followers asking under the same name get the same answer
     * instead of asking every upstream again, which would only double their wait (and spend rate-limit quota).
     */
    static void abandonWithVerdict(SharedFetch lead, RegistryRoute route, Consumer<HttpServerExchange> answer) {
        lead.abandon(new SharedFetch.Abandoned(null, followerExchange -> {
            followerExchange.putAttachment(RelayOutcome.KEY, new RelayOutcome("-", 0, true));
            answer.accept(followerExchange);
        }, route.name()));
    }

    /**
     * Only what registry:2 sends for an uncached blob is shared: a plain GET of a whole sha256 blob. Ranged and
     * conditional requests, HEADs, manifests and tags go their own way.
     */
    private boolean shareable(HttpServerExchange exchange, RegistryRoute route) {
        if (route.kind() != RouteKind.BLOB || !exchange.getRequestMethod().equalToString("GET")
                || !route.reference().matches("sha256:[0-9a-f]{64}") || !fetches.enabled()) {
            return false;
        }
        HeaderMap headers = exchange.getRequestHeaders();
        return !headers.contains(Headers.RANGE) && !headers.contains(Headers.IF_RANGE) && !headers.contains(Headers.IF_MATCH)
                && !headers.contains(Headers.IF_NONE_MATCH) && !headers.contains(Headers.IF_MODIFIED_SINCE);
    }

    /** Waits for the leader; true when this request was answered from its fetch (or with its verdict). */
    private boolean follow(HttpServerExchange exchange, RegistryRoute route, SharedFetch fetch) {
        SharedAnswer answer = fetch.awaitAnswer();
        if (answer == null) {
            SharedFetch.Abandoned why = fetch.abandoned();
            if (why != null && why.verdict() != null && route.name().equals(why.repository())) {
                why.verdict().accept(exchange);
                return true;
            }
            if (why != null && why.cap() != null) {
                listener.coalescingCapHit(why.cap());
            }
            return false;
        }
        exchange.putAttachment(RelayOutcome.KEY, new RelayOutcome(answer.upstream(), 0, true));
        listener.coalesced(answer.upstream(), answer.length());
        answer.applyTo(exchange);
        SpoolReader.copy(fetch, new ResponseChannelDownstream(exchange), why -> DownstreamSink.abort(exchange, why), serverClosing);
        return true;
    }
}
