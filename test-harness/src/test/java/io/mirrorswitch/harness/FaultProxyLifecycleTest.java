package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Listening, refusing, and closing: no port, thread or socket of a FaultProxy outlives what it should. */
class FaultProxyLifecycleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static TinyOrigin origin;

    @BeforeAll
    static void startOrigin() throws IOException {
        origin = new TinyOrigin();
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @Test
    void refuseClosesThePortAndResetsOpenConnectionsAndResumeListensOnTheSamePort() throws Exception {
        try (FaultProxy proxy = FaultProxy.inFrontOf(origin.url())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try (WireClient pooled = new WireClient(proxy.port(), TIMEOUT)) {
                HttpHead head = pooled.send("GET", "/bytes/2").head();
                assertEquals(WireClient.End.COMPLETE, pooled.body(head).end());

                proxy.refuse();

                assertTrue(proxy.isRefusing());
                assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", proxy.port()).close());
                assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(
                        URI.create(proxy.url() + "/bytes/2")).build(), HttpResponse.BodyHandlers.discarding()));
                assertNotEquals(WireClient.End.TIMEOUT, pooled.end(), "a pooled connection must not stay usable");
            }

            proxy.resume();

            assertFalse(proxy.isRefusing());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/bytes/2")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void closeResetsHeldAndIdleConnectionsAndEndsEveryThread() throws Exception {
        FaultProxy proxy = FaultProxy.inFrontOf(origin.url());
        String threadPrefix = "fault-proxy-" + proxy.port() + "-";
        try (WireClient idle = new WireClient(proxy.port(), TIMEOUT);
             WireClient held = new WireClient(proxy.port(), TIMEOUT);
             WireClient stalled = new WireClient(proxy.port(), TIMEOUT)) {
            assertEquals(WireClient.End.COMPLETE, idle.body(idle.send("GET", "/bytes/10").head()).end());
            proxy.inject(Fault.blackhole().on(Match.ANY.pathContains("/bytes/7")))
                    .inject(Fault.stallAfterBytes(5).on(Match.ANY.pathContains("/bytes/100")));
            held.send("GET", "/bytes/7");
            HttpHead stalledHead = stalled.send("GET", "/bytes/100").head();
            assertEquals(5, stalled.read(5).length());
            assertTrue(proxy.awaitRequests(Match.ANY, 3, TIMEOUT));
            assertEquals(2, proxy.heldConnections());
            // one per connection plus the accepting thread
            assertEquals(4, liveThreads(threadPrefix).size(), liveThreads(threadPrefix).toString());

            proxy.close();

            assertNotEquals(WireClient.End.TIMEOUT, idle.end());
            assertEquals(WireClient.End.RESET, held.end());
            assertEquals(WireClient.End.RESET, stalled.body(stalledHead).end());
        }
        assertEquals(List.of(), liveThreads(threadPrefix));
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", proxy.port()).close());
        assertThrows(IllegalStateException.class, proxy::resume);
    }

    private static List<Thread> liveThreads(String namePrefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(namePrefix) && thread.isAlive())
                .toList();
    }
}
