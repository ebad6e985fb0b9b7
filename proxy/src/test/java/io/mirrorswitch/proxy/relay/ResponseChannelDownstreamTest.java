package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A response sent from a file region by region, as a reader tailing a spool sends it. */
class ResponseChannelDownstreamTest {
    @Test
    void unevenRegionsArriveInOrderStartingWithOneSmallerThanUndertowsBuffer(@TempDir Path dir) throws Exception {
        byte[] content = new byte[1 << 20];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("spool"), content);
        long[] cuts = {0, 100, 5_100, 70_000, content.length};
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(this);
                    return;
                }
                exchange.startBlocking();
                exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, content.length);
                ResponseChannelDownstream out = new ResponseChannelDownstream(exchange);
                try (FileChannel spool = FileChannel.open(file, StandardOpenOption.READ)) {
                    for (int i = 0; i + 1 < cuts.length; i++) {
                        out.send(spool, cuts[i], cuts[i + 1] - cuts[i]);
                    }
                }
                out.finish();
            }
        }).build();
        server.start();
        try {
            int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertArrayEquals(content, response.body());
        } finally {
            server.stop();
        }
    }
}
