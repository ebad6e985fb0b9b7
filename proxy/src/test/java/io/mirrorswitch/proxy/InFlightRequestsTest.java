package io.mirrorswitch.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The last resort of a bounded close: a request thread stuck where nothing can cut it (here: it ignores
 * interrupts) keeps Undertow's stop() waiting only for {@code SHUTDOWN_TIMEOUT}, as Mirrorswitch configures its
 * servers, and the request is then named as still running (though Undertow already completed its exchange when
 * it closed the connection). A request that was served is not listed.
 */
class InFlightRequestsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final InFlightRequests inFlight = new InFlightRequests(nanos::get);

    @Test
    void aStopThatGaveUpWaitingNamesTheRequestsStillRunning() throws Exception {
        CountDownLatch stuckEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, 300)
                .setHandler(new HttpHandler() {
                    @Override
                    public void handleRequest(HttpServerExchange exchange) {
                        if (exchange.isInIoThread()) {
                            exchange.dispatch(this);
                            return;
                        }
                        try {
                            inFlight.run(exchange, () -> {
                                if (exchange.getRequestPath().equals("/stuck")) {
                                    stuckEntered.countDown();
                                    awaitIgnoringInterrupts(release);
                                }
                                exchange.getResponseSender().send("done");
                            });
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                })
                .build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        try (Socket served = new Socket("127.0.0.1", port); Socket stuck = new Socket("127.0.0.1", port)) {
            request(served, "/served");
            assertTrue(new String(served.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            nanos.set(TimeUnit.SECONDS.toNanos(7));
            request(stuck, "/stuck");
            assertTrue(stuckEntered.await(10, TimeUnit.SECONDS));
            nanos.set(TimeUnit.SECONDS.toNanos(19));

            assertTimeoutPreemptively(Duration.ofSeconds(10), server::stop, "stop() waited for the stuck thread");
            List<String> stillRunning = inFlight.describe();
            assertEquals(1, stillRunning.size(), stillRunning.toString());
            assertTrue(stillRunning.get(0).startsWith("GET /stuck (12 s, XNIO-"), stillRunning.toString());
        } finally {
            release.countDown();
        }
    }

    private static void request(Socket socket, String path) {
        try {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // a thread stuck in uninterruptible I/O behaves the same
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
