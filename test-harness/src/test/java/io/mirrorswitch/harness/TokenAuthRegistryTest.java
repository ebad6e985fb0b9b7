package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-registry really accepts (and only accepts) the tokens TokenIssuer signs. */
class TokenAuthRegistryTest {

    private static SeededStorage seed;
    private static UpstreamRegistry upstream;

    @BeforeAll
    static void startUpstream() {
        seed = SeedStore.shared();
        upstream = UpstreamRegistry.tokenAuth("upstream-a", seed.storageDir());
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @Test
    void anonymousManifestRequestGetsBearerChallengeNamingTheIssuersRealm() throws Exception {
        HttpResponse<byte[]> response = RegistryHttp.getManifest(upstream.url(), "library/alpine", "3.19", null);

        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer "), challenge);
        assertTrue(challenge.contains("realm=\"" + upstream.issuer().realm() + "\""), challenge);
        assertTrue(challenge.contains("service=\"upstream-a\""), challenge);
        assertTrue(challenge.contains("scope=\"repository:library/alpine:pull\""), challenge);
    }

    @Test
    void manifestIsServedWithATokenFromTheIssuer() throws Exception {
        OciImage alpine = seed.image(SeedStore.ALPINE);
        String token = RegistryHttp.fetchToken(upstream.issuer(), "repository:library/alpine:pull");

        HttpResponse<byte[]> response = RegistryHttp.getManifest(upstream.url(), "library/alpine", "3.19", token);

        assertEquals(200, response.statusCode(), () -> new String(response.body()) + " log: " + upstream.registry().logFile());
        assertEquals(alpine.manifestDigest(), Sha256.digest(response.body()));
        assertEquals(alpine.manifestDigest(), response.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    @Test
    void tokenForAnotherRepositoryIsRefused() throws Exception {
        String token = RegistryHttp.fetchToken(upstream.issuer(), "repository:library/busybox:pull");

        HttpResponse<byte[]> response = RegistryHttp.getManifest(upstream.url(), "library/alpine", "3.19", token);

        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("insufficient_scope"));
    }

    @Test
    void tokenSignedByAnotherKeyIsRefusedEvenWithTheSameNames() throws Exception {
        // Same service and issuer name, different key: only the x5c chain check can tell them apart.
        try (TokenIssuer impostor = TokenIssuer.builder().service("upstream-a").issuer("upstream-a-issuer").build()) {
            String token = RegistryHttp.fetchToken(impostor, "repository:library/alpine:pull");

            HttpResponse<byte[]> response = RegistryHttp.getManifest(upstream.url(), "library/alpine", "3.19", token);

            assertEquals(401, response.statusCode());
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
        }
    }

    @Test
    void grantPushLetsAnAnonymousClientPushThroughTokenAuth(@TempDir Path tmp) {
        OciImage image = OciImage.builder().layers(1, 2048).seed(77).build(tmp.resolve("img"));
        try (TokenIssuer pushing = TokenIssuer.builder().service("writable").grantPush(true).build();
             RegistryProcess registry = RegistryProcess.builder().withTokenAuth(pushing).start()) {

            assertEquals(image.manifestDigest(), image.pushTo(registry.hostPort(), "team/pushed:v1"));
            assertTrue(pushing.requestedScopes().contains("repository:team/pushed:pull,push"),
                    pushing.requestedScopes().toString());
        }
    }
}
