package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.channels.FileChannel;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

/**
 * A response body sent straight from a spool file: Undertow hands the file region to the socket (sendfile on a
 * plain connection), so no byte passes through the JVM heap. The caller has set the status and headers (with the
 * blob's {@code Content-Length}) and written nothing yet.
 */
final class ResponseChannelDownstream implements SpoolReader.Downstream {
    private final StreamSinkChannel channel;
    private boolean headersSent;

    ResponseChannelDownstream(HttpServerExchange exchange) {
        this.channel = exchange.getResponseChannel();
    }

    @Override
    public void send(FileChannel spool, long position, long count) throws IOException {
        if (!headersSent) {
            // While the response head is still pending, Undertow's HttpResponseConduit.transferFrom reads the file
            // at the channel's own position, ignoring the one it is given (seen: a full-length body with wrong
            // bytes). Once the head is out, transfers go straight to FileChannel.transferTo with our position.
            Channels.flushBlocking(channel);
            headersSent = true;
        }
        spool.position(position); // and should any layer read relatively after all, it reads the right bytes
        Channels.transferBlocking(channel, spool, position, count);
    }

    @Override
    public void finish() throws IOException {
        channel.shutdownWrites();
        Channels.flushBlocking(channel);
    }
}
