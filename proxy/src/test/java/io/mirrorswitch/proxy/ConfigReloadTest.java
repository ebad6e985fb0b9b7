package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static io.mirrorswitch.proxy.metrics.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.sun.net.httpserver.HttpServer;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.proxy.reload.ReloadResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live config: {@code reload()} / {@code POST /reload} / a watched file apply upstream, health and selection
 * changes without dropping a request in flight; an invalid file is refused, shown in /status, and changes nothing.
 */
class ConfigReloadTest {
    private static final String MANIFEST = "/v2/library/alpine/manifests/3.19";
    private static final String SECRET = "pa55-Very-Secret";
    private static final ConfigLoader LOADER = new ConfigLoader(Map.of("B_PASSWORD", SECRET));

    @RegisterExtension
    static WireMockExtension b = WireMocks.upstream();
    @RegisterExtension
    static WireMockExtension c = WireMocks.upstream();

    @TempDir
    Path dir;
    private Path file;
    /** An upstream that holds every manifest request until released: a request in flight, for as long as needed. */
    private HttpServer held;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void upstreams() throws IOException {
        file = dir.resolve("config.yaml");
        held = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        held.createContext("/", exchange -> {
            arrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"from\":\"held\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        held.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        held.start();
        b.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{\"from\":\"b\"}")));
        c.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{\"from\":\"c\"}")));
    }

    @AfterEach
    void stop() {
        release.countDown();
        held.stop(0);
    }

    private String heldUrl() {
        return "http://127.0.0.1:" + held.getAddress().getPort();
    }

    private void write(String yaml) throws IOException {
        Files.writeString(file, "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\n" + yaml);
    }

    private static List<String> names(Mirrorswitch m) {
        return m.board().upstreams().stream().map(UpstreamConfig::name).toList();
    }

    @Test
    void upstreamHealthAndSelectionChangesApplyWhileARequestIsInFlight() throws Exception {
        write("""
                upstreams:
                  - {name: held, url: %s, priority: 1}
                  - {name: b, url: '%s', priority: 2}
                """.formatted(heldUrl(), WireMocks.origin(b)));
        try (Mirrorswitch m = Mirrorswitch.start(file, LOADER, false, false)) {
            PullClient pulls = new PullClient(m.port());
            CompletableFuture<HttpResponse<String>> inFlight = pulls.getAsync(MANIFEST);
            assertTrue(arrived.await(20, TimeUnit.SECONDS), "the request reached the held upstream");

            write("""
                    upstreams:
                      - {name: c, url: '%s', priority: 1}
                      - {name: b, url: '%s', priority: 5}
                    health: {rise: 1, interval: 10s}
                    selection: {policy: fastest}
                    """.formatted(WireMocks.origin(c), WireMocks.origin(b)));
            ReloadResult result = m.reload();

            assertEquals(ReloadResult.APPLIED, result.result(), result.message());
            assertEquals(List.of("upstreams added: c", "upstreams removed: held",
                    "upstreams changed (url, priority or credentials): b", "health settings changed",
                    "selection settings changed"), result.changes());
            assertEquals(List.of("c", "b"), names(m));
            assertEquals("fastest", new AdminClient(m.adminPort()).status().path("policy").asText());

            release.countDown();
            HttpResponse<String> finished = inFlight.get(20, TimeUnit.SECONDS);
            assertEquals(200, finished.statusCode(), "the request in flight on the removed upstream was not dropped");
            assertEquals("{\"from\":\"held\"}", finished.body());

            HttpResponse<String> next = pulls.get(MANIFEST);
            assertEquals("{\"from\":\"c\"}", next.body(), "new requests go to the new priority-1 upstream");
        }
    }

    @Test
    void anInvalidFileIsRefusedShownInStatusAndTheRunningConfigStays() throws Exception {
        String good = """
                upstreams:
                  - {name: b, url: '%s', username: bob, password: "${B_PASSWORD}"}
                """.formatted(WireMocks.origin(b));
        write(good);
        try (Mirrorswitch m = Mirrorswitch.start(file, LOADER, false, false)) {
            AdminClient admin = new AdminClient(m.adminPort());
            // A password written as a list: the error line must name the key without echoing the secret.
            write("""
                    upstreams:
                      - {name: b, url: '%s', username: bob, password: [%s]}
                    """.formatted(WireMocks.origin(b), SECRET));

            HttpResponse<String> refused = admin.post("/reload");
            assertEquals(422, refused.statusCode(), refused.body());
            JsonNode answer = AdminClient.json(refused);
            assertEquals("refused", answer.path("result").asText());
            String error = answer.path("message").asText();
            assertTrue(error.startsWith("upstreams[0].password: "), error);

            HttpResponse<String> statusResponse = admin.get("/status");
            JsonNode config = AdminClient.json(statusResponse).path("config");
            assertEquals(error, config.path("lastError").asText());
            assertEquals(file.toString(), config.path("file").asText());
            assertFalse(statusResponse.body().contains(SECRET), "no secret in /status");
            assertFalse(refused.body().contains(SECRET), "no secret in the reload answer");
            assertEquals(List.of("b"), names(m));
            assertEquals("{\"from\":\"b\"}", new PullClient(m.port()).get(MANIFEST).body(), "the old config keeps serving");
            assertEquals(Optional.of(0.0), sample(admin.get("/metrics").body(), "mirrorswitch_config_last_reload_ok"));

            // Fixed, with a selection change (applied live) and a new admin address (needs a restart).
            Files.writeString(file, "listen: 127.0.0.1:0\nadmin: 127.0.0.1:1\n" + good + "selection: {failbackAfter: 5s}\n");
            HttpResponse<String> applied = admin.post("/reload");
            assertEquals(200, applied.statusCode(), applied.body());
            assertEquals("applied", AdminClient.json(applied).path("result").asText());
            assertEquals(List.of("selection settings changed"), List.of(AdminClient.json(applied).path("changes").path(0).asText()));
            JsonNode after = admin.status().path("config");
            assertTrue(after.path("lastError").isNull(), "a good reload clears the error: " + after);
            assertEquals("admin", after.path("restartNeeded").path(0).asText(), "a moved admin socket waits for a restart");
            assertEquals(Optional.of(1.0), sample(admin.get("/metrics").body(), "mirrorswitch_config_last_reload_ok"));
        }
    }

    @Test
    void aWatchedFileIsReloadedWhenItChanges() throws Exception {
        write("""
                upstreams:
                  - {name: b, url: '%s'}
                """.formatted(WireMocks.origin(b)));
        try (Mirrorswitch m = Mirrorswitch.start(file, LOADER, false, true)) {
            AdminClient admin = new AdminClient(m.adminPort());
            write("""
                    upstreams:
                      - {name: b, url: '%s', priority: 2}
                      - {name: c, url: '%s', priority: 1}
                    """.formatted(WireMocks.origin(b), WireMocks.origin(c)));
            admin.awaitStatus(s -> s.path("upstreams").size() == 2, Duration.ofSeconds(15), "c was added by the file change");
            assertEquals(List.of("c", "b"), names(m));

            write("upstreams: [{name: c, url: 'ftp://nope'}]\n");
            JsonNode refused = admin.awaitStatus(s -> !s.path("config").path("lastError").isNull(), Duration.ofSeconds(15),
                    "the broken file was refused");
            assertTrue(refused.path("config").path("lastError").asText().startsWith("upstreams[0].url: 'ftp://nope'"));
            assertEquals(List.of("c", "b"), names(m), "the refused file changed nothing");
        }
    }
}
