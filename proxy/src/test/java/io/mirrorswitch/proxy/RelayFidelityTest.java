package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay rules: what crosses mirrorswitch must arrive as the other side sent it. */
class RelayFidelityTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    private static final String MANIFEST = "/v2/library/alpine/manifests/3.19";
    private static final String BLOB = "/v2/library/alpine/blobs/" + DIGEST;
    private static final List<String> SIX_ACCEPTS = List.of(
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v1+prettyjws",
            "application/json");

    @RegisterExtension
    static WireMockExtension upstream = WireMocks.upstream();

    private Sidecar sidecar;

    @BeforeEach
    void start() {
        sidecar = Sidecar.start(WireMocks.upstream("up", upstream));
    }

    @AfterEach
    void stop() {
        sidecar.close();
    }

    private LoggedRequest onlyRequest() {
        List<LoggedRequest> received = WireMocks.received(upstream);
        assertEquals(1, received.size(), received.toString());
        return received.get(0);
    }

    @Test
    void everyAcceptLineArrivesSeparately() throws Exception {
        upstream.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{}")));
        StringBuilder head = new StringBuilder("GET " + MANIFEST + " HTTP/1.1\r\nHost: 127.0.0.1:" + sidecar.port()
                + "\r\nAuthorization: Bearer " + sidecar.token("repository:library/alpine:pull"));
        for (String accept : SIX_ACCEPTS) {
            head.append("\r\nAccept: ").append(accept);
        }
        RawHttp.Response response = RawHttp.exchange(sidecar.port(), head.toString());

        assertEquals(200, response.status());
        assertEquals(SIX_ACCEPTS, onlyRequest().getHeaders().getHeader("Accept").values());
    }

    @Test
    void ourTokenAndHopByHopHeadersStayBehind() {
        upstream.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{}")));
        assertEquals(200, sidecar.pull("GET", MANIFEST, "Cookie", "session=1", "X-Custom", "1").statusCode());
        LoggedRequest request = onlyRequest();
        assertFalse(request.containsHeader("Authorization"), "our own token is not for upstreams");
        assertFalse(request.containsHeader("Cookie"));
        assertFalse(request.containsHeader("X-Custom"));
    }

    @Test
    void headStaysHeadAndKeepsItsLengthAndIdentity() {
        upstream.stubFor(head(urlPathEqualTo(BLOB)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Length", "12345")
                .withHeader("Content-Type", "application/vnd.oci.image.layer.v1.tar+gzip")
                .withHeader("Docker-Content-Digest", DIGEST)
                .withHeader("Etag", "\"" + DIGEST + "\"")
                .withHeader("Docker-Distribution-Api-Version", "registry/2.0")));

        HttpResponse<byte[]> response = sidecar.pull("HEAD", BLOB);

        assertEquals(200, response.statusCode());
        assertEquals("HEAD", onlyRequest().getMethod().getName());
        assertEquals("12345", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(DIGEST, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals("\"" + DIGEST + "\"", response.headers().firstValue("Etag").orElseThrow());
        assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-Api-Version").orElseThrow());
        assertEquals("up", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
    }

    @Test
    void headWithoutUpstreamLengthNeverBecomesLengthZero() throws Exception {
        // A HEAD answered chunked (no Content-Length); a ranged GET tells the size.
        String headAnswer = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nDocker-Content-Digest: " + DIGEST
                + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        String rangeAnswer = "HTTP/1.1 206 Partial Content\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-0/4242"
                + "\r\nContent-Length: 1\r\n\r\nx";
        try (CannedServer noLength = new CannedServer(head -> (head.startsWith("HEAD") ? headAnswer : rangeAnswer)
                .getBytes(StandardCharsets.US_ASCII));
                Sidecar overIt = Sidecar.start("{name: raw, url: 'http://127.0.0.1:" + noLength.port() + "'}")) {
            String token = overIt.token("repository:library/alpine:pull");
            RawHttp.Response blob = RawHttp.exchange(overIt.port(), "HEAD " + BLOB + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token);
            assertEquals(200, blob.status());
            assertEquals(DIGEST, blob.header("Docker-Content-Digest"));
            assertEquals("4242", blob.header("Content-Length"), "a length of 0 would make registry:2 serve an empty blob");
            assertEquals(0, blob.body().length, "a HEAD has no body");

            // a route without a size to discover: no invented length either
            RawHttp.Response tags = RawHttp.exchange(overIt.port(),
                    "HEAD /v2/library/alpine/tags/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token);
            assertEquals(200, tags.status());
            assertEquals(null, tags.header("Content-Length"), "Undertow must not end it as Content-Length: 0");
            assertEquals(0, tags.body().length, "a HEAD has no body, not even a chunk terminator");
        }
    }

    @Test
    void getKeepsBodyBytesContentTypeAndDigest() {
        byte[] manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        String digest = WireMocks.digest(manifest);
        upstream.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .withHeader("Docker-Content-Digest", digest)
                .withBody(manifest)));

        HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST, "Accept", SIX_ACCEPTS.get(2));

        assertEquals(200, response.statusCode());
        assertArrayEquals(manifest, response.body());
        assertEquals(String.valueOf(manifest.length), response.headers().firstValue("Content-Length").orElseThrow());
        assertFalse(response.headers().firstValue("Transfer-Encoding").isPresent(), "a known length is never sent chunked");
        assertEquals("application/vnd.oci.image.manifest.v1+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    @Test
    void largeBlobStreamsIntact() {
        byte[] blob = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(blob);
        String path = WireMocks.blobPath("library/alpine", blob);
        upstream.stubFor(get(path).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream")
                .withHeader("Content-Length", String.valueOf(blob.length)).withBody(blob)));
        HttpResponse<byte[]> response = sidecar.pull("GET", path);
        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
        assertEquals(String.valueOf(blob.length), response.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void errorBodiesComeBackUnchanged() {
        String body = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"nope\"}}]}";
        // WireMock sends this one chunked (length unknown), the second with a Content-Length
        upstream.stubFor(get("/v2/library/alpine/manifests/nope").willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body)));
        upstream.stubFor(get("/v2/library/alpine/manifests/gone").willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("Content-Length", String.valueOf(body.length())).withBody(body)));
        String invalid = "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\"}]}";
        upstream.stubFor(get("/v2/library/alpine/manifests/bad").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(invalid)));

        for (String tag : new String[] {"nope", "gone"}) {
            HttpResponse<byte[]> response = sidecar.pull("GET", "/v2/library/alpine/manifests/" + tag);
            assertEquals(404, response.statusCode(), tag);
            assertEquals(body, new String(response.body(), StandardCharsets.UTF_8), tag);
            assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        }
        HttpResponse<byte[]> response = sidecar.pull("GET", "/v2/library/alpine/manifests/bad");
        assertEquals(400, response.statusCode());
        assertEquals(invalid, new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void gzipBodiesPassUndecoded() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("{\"name\":\"library/alpine\",\"tags\":[\"3.19\",\"latest\"]}".repeat(50).getBytes(StandardCharsets.UTF_8));
        }
        byte[] compressed = gz.toByteArray();
        upstream.stubFor(get("/v2/library/alpine/tags/list").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("Content-Encoding", "gzip").withBody(compressed)));

        HttpResponse<byte[]> response = sidecar.pull("GET", "/v2/library/alpine/tags/list", "Accept-Encoding", "gzip");

        assertEquals(200, response.statusCode());
        assertArrayEquals(compressed, response.body(), "the raw gzip bytes, not decoded");
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals(String.valueOf(compressed.length), response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("gzip", onlyRequest().getHeader("Accept-Encoding"));
    }

    @Test
    void noAcceptEncodingMeansIdentityUpstream() {
        String path = WireMocks.blobPath("library/alpine", "abc".getBytes(StandardCharsets.US_ASCII));
        upstream.stubFor(get(path).willReturn(aResponse().withStatus(200).withBody("abc")));
        HttpResponse<byte[]> response = sidecar.pull("GET", path);
        assertEquals(200, response.statusCode());
        assertEquals("identity", onlyRequest().getHeader("Accept-Encoding"), "OkHttp must not add gzip on its own");
    }

    @Test
    void tagListLinkComesBackRelativeAndTheQueryIsForwarded() {
        upstream.stubFor(get(urlPathEqualTo("/v2/x/tags/list")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Link", "<http://upstream/v2/x/tags/list?last=a&n=1>; rel=\"next\"")
                .withBody("{\"name\":\"x\",\"tags\":[\"a\"]}")));

        HttpResponse<byte[]> response = sidecar.pull("GET", "/v2/x/tags/list?n=1");

        assertEquals(200, response.statusCode());
        assertEquals("</v2/x/tags/list?last=a&n=1>; rel=\"next\"", response.headers().firstValue("Link").orElseThrow());
        assertEquals("/v2/x/tags/list?n=1", onlyRequest().getUrl());
    }

    @Test
    void aQueryOnOtherRoutesIsNotForwarded() {
        upstream.stubFor(get(urlPathEqualTo(MANIFEST)).willReturn(aResponse().withStatus(200).withBody("{}")));
        assertEquals(200, sidecar.pull("GET", MANIFEST + "?redirect=http://evil").statusCode());
        assertEquals(MANIFEST, onlyRequest().getUrl());
    }

    @Test
    void truncatedUpstreamBodyFailsTheDownstreamRead() throws Exception {
        try (CannedServer shortBody = CannedServer.shortBody(1_000_000, 300_000);
                Sidecar overShort = Sidecar.start("{name: short, url: 'http://127.0.0.1:" + shortBody.port() + "'}")) {
            String token = overShort.token("repository:library/alpine:pull");
            RawHttp.Response raw = RawHttp.exchange(overShort.port(), "GET " + BLOB + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token);
            // 300 kB exceed every buffer, so the headers went out before the break
            assertEquals(200, raw.status());
            assertEquals("1000000", raw.header("Content-Length"));
            assertTrue(raw.body().length <= 300_000, "the body must not look complete: " + raw.body().length);

            HttpRequest request = HttpRequest.newBuilder(overShort.uri(BLOB)).header("Authorization", "Bearer " + token).build();
            assertThrows(IOException.class, () -> overShort.http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        }
    }

    @Test
    void wiremockFaultMidBodyFailsTheDownstreamRead() {
        upstream.stubFor(get(BLOB).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        HttpRequest request = HttpRequest.newBuilder(sidecar.uri(BLOB))
                .header("Authorization", "Bearer " + sidecar.token("repository:library/alpine:pull")).build();
        assertThrows(IOException.class, () -> sidecar.http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    /** Answers every request with the same raw bytes, then closes the connection. */
    static final class CannedServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        /** A 200 announcing {@code announced} bytes that sends only {@code sent}. */
        static CannedServer shortBody(int announced, int sent) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + announced
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[sent]);
            byte[] response = out.toByteArray();
            return new CannedServer(head -> response);
        }

        /** @param answer the raw response for a request, given the request's head (request line and headers) */
        CannedServer(java.util.function.Function<String, byte[]> answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        String head = readHead(client.getInputStream());
                        OutputStream out = client.getOutputStream();
                        out.write(answer.apply(head));
                        out.flush();
                    } catch (IOException e) {
                        if (!socket.isClosed()) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }
            }, "canned-upstream");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int matched = 0;
            int b;
            while (matched < 4 && (b = in.read()) != -1) {
                head.append((char) b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
