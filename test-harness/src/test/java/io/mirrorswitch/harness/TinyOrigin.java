package io.mirrorswitch.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-test origin for bodies docker-registry does not produce: chunked ones, huge ones generated on
 * the fly, and one that waits for the client before finishing (to prove streaming). Bodies follow
 * {@link #byteAt(long)}, so a receiver can check any byte without a copy of the whole body.
 *
 * <ul>
 *   <li>{@code /bytes/<n>}: n bytes with Content-Length</li>
 *   <li>{@code /chunked/<n>}: n bytes, chunked</li>
 *   <li>{@code /gated/<n>}: n bytes with Content-Length; the first {@link #GATE_AT} at once, the rest
 *       only after {@link #openGate()}</li>
 * </ul>
 */
final class TinyOrigin implements AutoCloseable {

    static final int GATE_AT = 1024 * 1024;
    /** 251 is prime, so the pattern never lines up with power-of-two buffer sizes. */
    private static final int PERIOD = 251;
    private static final byte[] PATTERN = new byte[PERIOD * 261];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = byteAt(i);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch gate = new CountDownLatch(1);

    TinyOrigin() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/bytes/", exchange -> send(exchange, false, false));
        server.createContext("/chunked/", exchange -> send(exchange, true, false));
        server.createContext("/gated/", exchange -> send(exchange, false, true));
        server.start();
    }

    static byte byteAt(long offset) {
        return (byte) (offset % PERIOD);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void openGate() {
        gate.countDown();
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void send(HttpExchange exchange, boolean chunked, boolean gated) throws IOException {
        String path = exchange.getRequestURI().getPath();
        long size = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, chunked ? 0 : size);
        try (OutputStream out = exchange.getResponseBody()) {
            long sent = 0;
            while (sent < size) {
                if (gated && sent == GATE_AT) {
                    out.flush();
                    awaitGate();
                }
                long limit = gated && sent < GATE_AT ? GATE_AT : size;
                int n = (int) Math.min(PATTERN.length - sent % PERIOD, limit - sent);
                out.write(PATTERN, (int) (sent % PERIOD), n);
                sent += n;
            }
        }
    }

    private void awaitGate() throws IOException {
        try {
            if (!gate.await(20, TimeUnit.SECONDS)) {
                throw new IOException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted at the gate", e);
        }
    }
}
