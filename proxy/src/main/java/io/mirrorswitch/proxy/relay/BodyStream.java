package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import okio.BufferedSource;
import org.xnio.IoUtils;

/**
 * Streams one upstream body downstream with a fixed buffer, whatever its size. If the upstream breaks after the
 * headers went out, the downstream connection is closed abruptly: a short body must never look complete.
 */
final class BodyStream {
    private static final int BUFFER = 64 * 1024;

    private BodyStream() {
    }

    /** @param length the exact byte count announced upstream, or -1 when unknown (then sent chunked) */
    static void relay(BufferedSource source, long length, HttpServerExchange exchange) throws IOException {
        if (length >= 0) {
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
        }
        byte[] buffer = new byte[BUFFER];
        long sent = 0;
        OutputStream out = exchange.getOutputStream();
        try {
            int n;
            while ((n = source.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                sent += n;
            }
            if (length >= 0 && sent != length) {
                throw new IOException("upstream body ended after " + sent + " of " + length + " bytes");
            }
            out.close();
        } catch (IOException e) {
            IoUtils.safeClose(exchange.getConnection());
            throw e;
        }
    }
}
