package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * A {@link BlobFetch} writing straight into one downstream response, the path of every body that is not shared:
 * no copy in between, so a lone request runs at the speed of the plain relay.
 */
final class DownstreamSink implements BlobSink {
    private static final Logger LOG = LoggerFactory.getLogger(DownstreamSink.class);

    private final HttpServerExchange exchange;
    private final OutputStream out;

    /** @param length the exact body size, or -1 to send it chunked (the terminating chunk is the completion) */
    DownstreamSink(HttpServerExchange exchange, long length) {
        this.exchange = exchange;
        if (length >= 0) {
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
        }
        this.out = exchange.getOutputStream();
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
        out.write(bytes, offset, count);
    }

    @Override
    public void complete() throws IOException {
        out.close();
    }

    @Override
    public void fail(String why) {
        abort(exchange, why);
    }

    /** Ends a response so that the client cannot take it for complete: the connection is closed mid-body. */
    static void abort(HttpServerExchange exchange, String why) {
        LOG.warn("closing the connection for {} abruptly: {}", exchange.getRequestPath(), why);
        IoUtils.safeClose(exchange.getConnection());
    }
}
