package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.CoalescingConfig;
import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.health.TrafficReport;
import io.mirrorswitch.health.UpstreamSelector;
import io.mirrorswitch.proxy.route.RegistryRoute;
import io.mirrorswitch.proxy.route.RouteKind;
import io.mirrorswitch.upstream.CallHandle;
import io.mirrorswitch.upstream.UpstreamRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one authorized pull request. It tries the selector's candidates in order, at most once each, each
 * try bounded by {@code firstByte}, until one gives an answer worth delivering; faults are reported as they
 * happen so the next request already skips a broken upstream. Manifests are verified before a byte goes out;
 * blobs are verified while streaming and resumed elsewhere when an upstream breaks mid-body.
 */
public final class RelayHandler {
    public static final HttpString UPSTREAM_HEADER = HttpString.tryFromString("X-Mirrorswitch-Upstream");
    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final UpstreamSelector selector;
    private final Supplier<UpstreamClients> clients;
    private final TransferWatchdog watchdog;
    private final TagPins tagPins;
    private final RelayListener listener;
    private final Clock clock;
    private final int tagNotFoundRetries;
    private final BiConsumer<HttpServerExchange, String> challenge;
    private final CoalescingRelay coalescing;
    private final RangedRequests ranged;

    /** Coalescing with its defaults (see {@link CoalescingConfig#DEFAULTS}). */
    public RelayHandler(UpstreamSelector selector, Supplier<UpstreamClients> clients, TransferWatchdog watchdog,
                        RelayListener listener, Clock clock, int tagNotFoundRetries, BiConsumer<HttpServerExchange, String> challenge) {
        this(selector, clients, watchdog, listener, clock, tagNotFoundRetries, challenge, new SharedBlobFetches(CoalescingConfig.DEFAULTS));
    }

    /**
     * @param challenge     answers a 401 that is about the request itself with our own challenge (an upstream's
     *                      challenge is never passed through)
     * @param sharedFetches where concurrent GETs of the same blob meet to share one upstream fetch (its owner
     *                      closes it; {@link SharedBlobFetches#disabled()} shares nothing)
     */
    public RelayHandler(UpstreamSelector selector, Supplier<UpstreamClients> clients, TransferWatchdog watchdog,
                        RelayListener listener, Clock clock, int tagNotFoundRetries, BiConsumer<HttpServerExchange, String> challenge,
                        SharedBlobFetches sharedFetches) {
        this.coalescing = new CoalescingRelay(sharedFetches, listener, watchdog::cutReason);
        this.ranged = new RangedRequests(clients, watchdog, this::report);
        this.selector = selector;
        this.clients = clients;
        this.watchdog = watchdog;
        this.tagPins = new TagPins(clock);
        this.listener = listener;
        this.clock = clock;
        this.tagNotFoundRetries = tagNotFoundRetries;
        this.challenge = challenge;
    }

    /**
     * Runs on a worker thread: upstream calls block. A whole-blob GET first meets concurrent requests for the same
     * digest ({@link CoalescingRelay}): the first leads (tries the candidates as below and, with a shareable
     * answer, starts a shared fetch), the others follow (wait for it, then send the same body); over a cap, or
     * when sharing does not work out, a request relays on its own.
     */
    public void relay(HttpServerExchange exchange, RegistryRoute route) throws IOException {
        coalescing.relay(exchange, route, this::relayAlone);
    }

    /** The relay of one request by itself; {@code lead} is the shared fetch it leads, or null. */
    private void relayAlone(HttpServerExchange exchange, RegistryRoute route, SharedFetch lead) throws IOException {
        boolean head = exchange.getRequestMethod().equalToString("HEAD");
        RegistryRoute target = pinnedTarget(route, head);
        UpstreamRequest request = new UpstreamRequest(exchange.getRequestMethod().toString(), pathAndQuery(exchange, target),
                ForwardedHeaders.toUpstream(exchange.getRequestHeaders()), route.scope());
        // Candidates first: a reload publishes the new clients before the new candidates, so a pool read after
        // the candidates always has a client for each of them.
        List<UpstreamConfig> candidates = selector.candidates();
        UpstreamClients pool = clients.get();
        Attempts attempts = new Attempts();
        int tagNotFound = 0;
        for (UpstreamConfig upstream : candidates) {
            CallHandle handle = new CallHandle();
            Transfer transfer = watchdog.watch(handle);
            Response response;
            try {
                response = pool.get(upstream.name()).send(request, handle);
                transfer.headersArrived();
            } catch (IOException e) {
                transfer.close();
                failed(attempts, route, FailoverPolicy.failed(upstream.name(), e, transfer), request);
                continue;
            }
            UpstreamBody body = new UpstreamBody(upstream.name(), response, transfer);
            Optional<Attempt> fault = FailoverPolicy.judge(upstream.name(), route, head, response, clock.instant());
            if (fault.isPresent()) {
                body.close();
                failed(attempts, route, fault.get(), request);
                continue;
            }
            if (response.code() == 404 && route.kind() != RouteKind.BASE) {
                attempts.notFound(notFoundAnswer(body, head));
                // Content-addressed things may be on another mirror; a tag gets a bounded second opinion.
                boolean contentAddressed = target.byDigest(); // a pinned tag is fetched by digest
                if (contentAddressed || ++tagNotFound <= tagNotFoundRetries) {
                    continue;
                }
                break;
            }
            exchange.putAttachment(RelayOutcome.KEY, new RelayOutcome(upstream.name(), attempts.count() + 1));
            if (deliver(exchange, route, target, head, body, request, candidates, attempts, lead)) {
                return;
            }
        }
        if (lead != null) {
            CoalescingRelay.abandonWithVerdict(lead, route,
                    follower -> attempts.respond(follower, route, request.pathAndQuery(), clock.instant()));
        }
        exchange.putAttachment(RelayOutcome.KEY, new RelayOutcome("-", attempts.count()));
        attempts.respond(exchange, route, request.pathAndQuery(), clock.instant());
    }

    /** Sends the answer; false when it turned out unusable before anything went downstream (then try the next). */
    private boolean deliver(HttpServerExchange exchange, RegistryRoute route, RegistryRoute target, boolean head,
                            UpstreamBody body, UpstreamRequest request, List<UpstreamConfig> candidates, Attempts attempts,
                            SharedFetch lead) throws IOException {
        Response response = body.response();
        if (route.kind() == RouteKind.MANIFEST && response.code() == 200 && !head) {
            return deliverManifest(exchange, route, target, body, request, attempts);
        }
        if (route.kind() == RouteKind.BLOB && head && response.code() == 200 && response.header("Content-Length") == null) {
            // registry:2 copies exactly a blob HEAD's Content-Length bytes; without one, ask for the size.
            body.close();
            long size = ranged.blobSize(body.upstream(), request);
            if (size < 0) {
                failed(attempts, route, new Attempt(body.upstream(), TrafficFault.NOT_REGISTRY,
                        "blob HEAD without Content-Length, and a ranged GET did not tell the size", Optional.empty()), request);
                return false;
            }
            startResponse(exchange, response, body.upstream());
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, size);
            exchange.endExchange();
            return true;
        }
        if (route.kind() == RouteKind.MANIFEST && head && response.code() == 200 && !route.byDigest()) {
            tagPins.pin(route.name(), route.reference(), response.header("Docker-Content-Digest"));
        }
        // A 401 about the request itself (e.g. insufficient_scope): the body is the upstream's, the challenge ours.
        Consumer<HttpServerExchange> ownChallenge = response.code() == 401
                ? ex -> challenge.accept(ex, route.scope().orElse(null)) : ex -> { };
        // An error about the request itself is read whole, never streamed: its Content-Length may be the blob's.
        if (response.code() == 416) {
            ErrorAnswer.rangeNotSatisfiable(exchange, body);
            return true;
        }
        if (response.code() >= 400 && !head) {
            ErrorAnswer.relay(exchange, body, request.toString(), ownChallenge);
            return true;
        }
        startResponse(exchange, response, body.upstream());
        ownChallenge.accept(exchange);
        if (head || response.body() == null) {
            // A HEAD's Content-Length is the size of what a GET would send: registry:2 copies exactly that many bytes.
            String length = response.header("Content-Length");
            if (length != null) {
                exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
            } else if (head) {
                // Left alone, Undertow ends a bodiless HEAD with "Content-Length: 0", a size registry:2 would believe.
                // Chunked says "length unknown" (and a HEAD sends no chunk at all).
                exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, "chunked");
            }
            body.close();
            exchange.endExchange();
            return true;
        }
        boolean wholeBlob = route.kind() == RouteKind.BLOB && response.code() == 200;
        long length = response.body().contentLength();
        BlobFetch fetch = new BlobFetch(length, wholeBlob ? route.reference() : null, candidates.size());
        ContributingUpstreams contributors = ContributingUpstreams.attach(exchange, body.upstream());
        BlobFetch.Resumer resumer = (offset, failed) ->
                contributors.resumedOn(ranged.resume(request, offset, length, failed, candidates));
        BlobFetch.Faults faults = blobFaults(route, request);
        if (lead != null && coalescing.share(exchange, lead, body.upstream(), response, wholeBlob, attempts.count() + 1,
                sink -> fetch.run(body, resumer, faults, sink))) {
            return true;
        }
        fetch.run(body, resumer, faults, new DownstreamSink(exchange, length));
        return true;
    }

    private BlobFetch.Faults blobFaults(RegistryRoute route, UpstreamRequest request) {
        return new BlobFetch.Faults() {
            @Override
            public void interrupted(Attempt attempt, long offset) {
                report(attempt, request + " at byte " + offset);
            }

            @Override
            public void resuming(Attempt broke) {
                listener.resumed(broke.upstream(), broke.fault());
            }

            @Override
            public String serverClosing() {
                return watchdog.cutReason();
            }

            @Override
            public void corrupt(Set<String> upstreams, String detail) {
                for (String upstream : upstreams) {
                    report(new Attempt(upstream, TrafficFault.DIGEST_MISMATCH, detail, Optional.empty()), request.toString());
                    listener.digestMismatch(route.kind(), upstream);
                }
            }
        };
    }

    private boolean deliverManifest(HttpServerExchange exchange, RegistryRoute route, RegistryRoute target,
                                    UpstreamBody body, UpstreamRequest request, Attempts attempts) {
        byte[] bytes;
        try (body) {
            bytes = ManifestBody.read(body);
        } catch (IOException e) {
            failed(attempts, route, FailoverPolicy.failed(body.upstream(), e, body.transfer()), request);
            return false;
        }
        Response response = body.response();
        String expected = target.byDigest() ? target.reference() : response.header("Docker-Content-Digest");
        String actual = bytes == null ? null : expected == null ? Digests.sha256(bytes) : Digests.of(expected, bytes);
        if (bytes == null || (expected != null && actual != null && !actual.equals(expected))) {
            String detail = bytes == null ? "manifest larger than " + ManifestBody.MAX_BYTES + " bytes"
                    : "manifest bytes hash to " + actual + ", expected " + expected;
            listener.digestMismatch(route.kind(), body.upstream());
            failed(attempts, route, new Attempt(body.upstream(), TrafficFault.DIGEST_MISMATCH, detail, Optional.empty()), request);
            return false;
        }
        startResponse(exchange, response, body.upstream());
        exchange.getResponseHeaders().put(HttpString.tryFromString("Docker-Content-Digest"), expected == null ? actual : expected);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
        return true;
    }

    /**
     * Keeps a 404's small body (a registry error) to return unchanged later; a huge or broken one is dropped (a cut
     * JSON error is worse than our own). A HEAD's 404 has no body: what is kept is the length the upstream announced
     * for it.
     */
    private static Attempts.NotFound notFoundAnswer(UpstreamBody body, boolean head) {
        String upstream = body.upstream();
        String type = body.response().header("Content-Type");
        if (head) {
            try (body) {
                long announced = parseLength(body.response().header("Content-Length"));
                return new Attempts.NotFound(upstream, type, new byte[0], announced <= ErrorAnswer.MAX_BODY ? announced : -1);
            }
        }
        byte[] bytes = ErrorAnswer.read(body).bytes();
        return bytes == null ? new Attempts.NotFound(upstream, null, new byte[0], 0)
                : new Attempts.NotFound(upstream, type, bytes, bytes.length);
    }

    private static long parseLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private RegistryRoute pinnedTarget(RegistryRoute route, boolean head) {
        if (route.kind() != RouteKind.MANIFEST || head || route.byDigest()) {
            return route;
        }
        return tagPins.digest(route.name(), route.reference())
                .map(digest -> new RegistryRoute(RouteKind.MANIFEST, route.name(), digest))
                .orElse(route);
    }

    private static void startResponse(HttpServerExchange exchange, Response response, String upstream) {
        exchange.setStatusCode(response.code());
        ForwardedHeaders.toDownstream(response.headers(), exchange);
        exchange.getResponseHeaders().put(UPSTREAM_HEADER, upstream);
    }

    private void failed(Attempts attempts, RegistryRoute route, Attempt attempt, UpstreamRequest request) {
        attempts.failed(attempt);
        report(attempt, request.toString());
        listener.failover(route.kind(), attempt.upstream(), attempt.fault());
    }

    private void report(Attempt attempt, String what) {
        selector.report(new TrafficReport(attempt.upstream(), attempt.fault(), what + ": " + attempt.detail(), attempt.retryAt()));
        LOG.info("{} on {} failed: {}", what, attempt.upstream(), attempt.detail());
    }

    private static String pathAndQuery(HttpServerExchange exchange, RegistryRoute route) {
        String query = exchange.getQueryString();
        // Only the tag list takes parameters (n, last); anything else a client appends is not forwarded.
        return route.kind() == RouteKind.TAGS && query != null && !query.isEmpty() ? route.path() + "?" + query : route.path();
    }
}
