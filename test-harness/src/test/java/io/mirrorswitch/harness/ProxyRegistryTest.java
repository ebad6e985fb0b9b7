package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** registry:2 in pull-through mode, configured by RegistryProcess, really proxies. */
class ProxyRegistryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static SeededStorage seed;

    @TempDir
    Path tmp;

    @BeforeAll
    static void seed() {
        seed = SeedStore.shared();
    }

    @Test
    void frontProxyOfAnAnonymousUpstreamServesASkopeoPull() {
        OciImage alpine = seed.image(SeedStore.ALPINE);
        try (UpstreamRegistry upstream = UpstreamRegistry.anonymous(seed.storageDir());
             RegistryProcess front = RegistryProcess.builder().name("front").proxyOf(upstream.url()).start()) {

            PullResult result = Skopeo.pull(front.hostPort(), SeedStore.ALPINE, tmp.resolve("alpine"), TIMEOUT);

            assertEquals(alpine.manifestDigest(), result.manifestDigest());
            assertEquals(alpine.blobDigests(), result.blobDigests());
        }
    }

    @Test
    void frontProxyWithCredentialsPullsFromATokenAuthUpstreamBehindALoginWall() {
        OciImage app = seed.image(SeedStore.APP);
        TokenIssuer issuer = TokenIssuer.builder().service("upstream-b").issuer("upstream-b-issuer")
                .credentials("proxyuser", "proxypass").loginWall(true).build();
        try (UpstreamRegistry upstream = UpstreamRegistry.withIssuer(issuer, seed.storageDir());
             RegistryProcess front = RegistryProcess.builder().name("front")
                     .proxyOf(upstream.url(), "proxyuser", "proxypass").start()) {

            PullResult result = Skopeo.pull(front.hostPort(), SeedStore.APP, tmp.resolve("app"), TIMEOUT);

            assertEquals(app.manifestDigest(), result.manifestDigest());
            String expected = "Basic " + Base64.getEncoder()
                    .encodeToString("proxyuser:proxypass".getBytes(StandardCharsets.UTF_8));
            assertTrue(issuer.authorizationHeaders().contains(expected), issuer.requests().toString());
            assertTrue(issuer.requestedScopes().contains("repository:team/app:pull"), issuer.requests().toString());
            assertTrue(issuer.requests().stream().noneMatch(TokenRequest::anonymous), issuer.requests().toString());
        }
    }

    @Test
    void proxyStartFailsWithItsLogWhenTheRemoteRefusesConnections() {
        RegistryProcess front = RegistryProcess.builder().name("front-refused")
                .proxyOf("http://127.0.0.1:" + Ports.free()).build();

        HarnessException failure = assertThrows(HarnessException.class, front::start);

        assertTrue(failure.getMessage().contains(front.logFile().toString()), failure.getMessage());
        assertTrue(failure.getMessage().contains("exited"), failure.getMessage());
        assertTrue(failure.getMessage().contains("connection refused"), failure.getMessage());
        assertFalse(front.isRunning());
    }
}
