package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.health.TrafficReport;
import io.mirrorswitch.health.UpstreamSelector;
import io.mirrorswitch.proxy.RegistryError;
import io.mirrorswitch.proxy.route.RegistryRoute;
import io.mirrorswitch.proxy.route.RouteKind;
import io.mirrorswitch.upstream.UpstreamRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one authorized pull request: tries the selector's candidates in order, at most once each, until one
 * gives an answer worth delivering, then relays it. Faults are reported to the selector as they happen, so the
 * next request already skips a broken upstream.
 */
public final class RelayHandler {
    public static final HttpString UPSTREAM_HEADER = HttpString.tryFromString("X-Mirrorswitch-Upstream");
    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final UpstreamSelector selector;
    private final Supplier<UpstreamClients> clients;

    public RelayHandler(UpstreamSelector selector, Supplier<UpstreamClients> clients) {
        this.selector = selector;
        this.clients = clients;
    }

    /** Runs on a worker thread: upstream calls block. */
    public void relay(HttpServerExchange exchange, RegistryRoute route) throws IOException {
        UpstreamRequest request = new UpstreamRequest(
                exchange.getRequestMethod().toString(), pathAndQuery(exchange, route),
                ForwardedHeaders.toUpstream(exchange.getRequestHeaders()), route.scope());
        UpstreamClients pool = clients.get();
        List<Attempt> failures = new ArrayList<>();
        for (UpstreamConfig upstream : selector.candidates()) {
            Response response;
            try {
                response = pool.get(upstream.name()).send(request);
            } catch (IOException e) {
                failed(failures, FailoverPolicy.failed(upstream.name(), e), request);
                continue;
            }
            Optional<Attempt> verdict = FailoverPolicy.judge(upstream.name(), route, response);
            if (verdict.isPresent()) {
                response.close();
                failed(failures, verdict.get(), request);
                continue;
            }
            exchange.putAttachment(RelayOutcome.KEY, new RelayOutcome(upstream.name(), failures.size() + 1));
            try (response) {
                deliver(exchange, upstream.name(), response);
            }
            return;
        }
        exchange.putAttachment(RelayOutcome.KEY, new RelayOutcome("-", failures.size()));
        List<String> detail = failures.stream().map(Attempt::describe).toList();
        RegistryError.send(exchange, 503, "UNAVAILABLE", "no upstream could serve " + request, detail);
    }

    private void failed(List<Attempt> failures, Attempt attempt, UpstreamRequest request) {
        failures.add(attempt);
        selector.report(new TrafficReport(attempt.upstream(), attempt.fault(), request + ": " + attempt.detail(), attempt.retryAt()));
        LOG.info("{} on {} failed: {}", request, attempt.upstream(), attempt.detail());
    }

    private static void deliver(HttpServerExchange exchange, String upstream, Response response) throws IOException {
        exchange.setStatusCode(response.code());
        ForwardedHeaders.toDownstream(response.headers(), exchange);
        exchange.getResponseHeaders().put(UPSTREAM_HEADER, upstream);
        ResponseBody body = response.body();
        if (exchange.getRequestMethod().equalToString("HEAD") || body == null) {
            // A HEAD's Content-Length is the size of what a GET would send: registry:2 copies exactly that many bytes.
            String length = response.header("Content-Length");
            if (length != null) {
                exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
            }
            exchange.endExchange();
            return;
        }
        BodyStream.relay(body.source(), body.contentLength(), exchange);
    }

    private static String pathAndQuery(HttpServerExchange exchange, RegistryRoute route) {
        String query = exchange.getQueryString();
        // Only the tag list takes parameters (n, last); anything else a client appends is not forwarded.
        return route.kind() == RouteKind.TAGS && query != null && !query.isEmpty() ? route.path() + "?" + query : route.path();
    }
}
