package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.proxy.RegistryError;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream's 4xx about the request itself ({@link FailoverPolicy} delivers those), passed on with a body whose
 * length we counted. The headers of such answers cannot be trusted: docker-registry answers an unsatisfiable or
 * unparsable {@code Range} with 416, the blob's full size as {@code Content-Length} and a 14 to 33 byte text body,
 * then closes the connection. Streamed like a blob, that body "ended early": a broken transfer, blamed on a
 * healthy upstream (a few such requests ejected it), and an empty reply for the client. So an error body is read
 * whole before anything goes out, never streamed, and what happens to it is never an upstream's fault.
 */
final class ErrorAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswer.class);
    /** Far more than any registry error document; a bigger body is not one worth passing on. */
    static final int MAX_BODY = 64 * 1024;
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d+)");

    /**
     * An error body read to its end: {@code bytes} when it arrived whole and within {@link #MAX_BODY}, otherwise
     * null and {@code problem} says why (cut short, too big, unreadable).
     */
    record Body(byte[] bytes, String problem) {
    }

    private ErrorAnswer() {
    }

    /** Reads the body of an upstream's error answer and closes it. */
    static Body read(UpstreamBody body) {
        try (body) {
            ResponseBody raw = body.response().body();
            long announced = raw == null ? 0 : raw.contentLength();
            if (announced > MAX_BODY) {
                return new Body(null, "it announced " + announced + " bytes");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = body.read(buffer, 0, buffer.length)) != -1) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY) {
                    return new Body(null, "the body is larger than " + MAX_BODY + " bytes");
                }
            }
            return new Body(out.toByteArray(), null);
        } catch (IOException e) {
            // OkHttp's "unexpected end of stream": fewer bytes than the Content-Length it announced.
            return new Body(null, "the body broke off (" + e.getMessage() + ")");
        }
    }

    /**
     * A 416 is answered by us (for a HEAD too, with the same headers): a registry JSON error with {@code Content-Range:
     * bytes *}{@code /<size>} when the upstream told the size. The upstream's own body is not read: docker-registry's
     * is plain text and announces the blob's size, and its caching headers describe the blob, not this error.
     */
    static void rangeNotSatisfiable(HttpServerExchange exchange, UpstreamBody body) {
        String contentRange = body.response().header("Content-Range");
        body.close();
        Matcher size = UNSATISFIED_RANGE.matcher(contentRange == null ? "" : contentRange.trim());
        if (size.matches()) {
            exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, "bytes */" + size.group(1));
        }
        exchange.getResponseHeaders().put(RelayHandler.UPSTREAM_HEADER, body.upstream());
        RegistryError.send(exchange, 416, "RANGE_INVALID", "requested range not satisfiable",
                String.valueOf(exchange.getRequestHeaders().getFirst(Headers.RANGE)));
    }

    /**
     * Passes on another 4xx of a GET: the upstream's body and headers when the body arrived whole, otherwise our own
     * registry error with the same status (a cut JSON error is worse than ours).
     *
     * @param request     what was asked of the upstream, for the log
     * @param withHeaders adds what the relay adds to every answer of this status (our challenge to a 401)
     */
    static void relay(HttpServerExchange exchange, UpstreamBody body, String request, Consumer<HttpServerExchange> withHeaders) {
        int status = body.response().code();
        Body error = read(body);
        if (error.bytes() == null) {
            LOG.info("{} answered {} to {}, but {}: sending our own {} error instead", body.upstream(), status, request,
                    error.problem(), status);
            exchange.getResponseHeaders().put(RelayHandler.UPSTREAM_HEADER, body.upstream());
            withHeaders.accept(exchange);
            RegistryError.send(exchange, status, codeFor(status), body.upstream() + " answered " + status
                    + " with a body that could not be passed on", error.problem());
            return;
        }
        exchange.setStatusCode(status);
        ForwardedHeaders.toDownstream(body.response().headers(), exchange);
        exchange.getResponseHeaders().put(RelayHandler.UPSTREAM_HEADER, body.upstream());
        withHeaders.accept(exchange);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, error.bytes().length);
        exchange.getResponseSender().send(ByteBuffer.wrap(error.bytes()));
    }

    /** The registry error code closest to a status, for an error body of our own. */
    static String codeFor(int status) {
        return switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 405 -> "UNSUPPORTED";
            case 416 -> "RANGE_INVALID";
            default -> "UNKNOWN";
        };
    }
}
