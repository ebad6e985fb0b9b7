package io.mirrorswitch.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteParserTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static RouteException refused(String path) {
        return assertThrows(RouteException.class, () -> RouteParser.parse(path));
    }

    @Test
    void baseInEveryFormRegistryTwoSends() throws Exception {
        assertEquals(RegistryRoute.base(), RouteParser.parse("/v2/"));
        assertEquals(RegistryRoute.base(), RouteParser.parse("/v2"));
        assertEquals(RegistryRoute.base(), RouteParser.parse("//v2/"));
        assertEquals(Optional.empty(), RegistryRoute.base().scope());
        assertEquals("/v2/", RouteParser.parse("//v2/").path());
    }

    @Test
    void manifestByTagAndByDigest() throws Exception {
        RegistryRoute byTag = RouteParser.parse("/v2/library/alpine/manifests/3.19");
        assertEquals(new RegistryRoute(RouteKind.MANIFEST, "library/alpine", "3.19"), byTag);
        assertFalse(byTag.byDigest());
        assertEquals(Optional.of("repository:library/alpine:pull"), byTag.scope());
        assertEquals("/v2/library/alpine/manifests/3.19", byTag.path());

        RegistryRoute byDigest = RouteParser.parse("/v2/a/b/c/manifests/" + DIGEST);
        assertEquals(new RegistryRoute(RouteKind.MANIFEST, "a/b/c", DIGEST), byDigest);
        assertTrue(byDigest.byDigest());
    }

    @Test
    void blobsAndTags() throws Exception {
        assertEquals(new RegistryRoute(RouteKind.BLOB, "x", DIGEST), RouteParser.parse("/v2/x/blobs/" + DIGEST));
        assertEquals(new RegistryRoute(RouteKind.BLOB, "x", "sha512:" + "b".repeat(128)),
                RouteParser.parse("/v2/x/blobs/sha512:" + "b".repeat(128)));
        RegistryRoute tags = RouteParser.parse("//v2/my-org/my_app.v2/tags/list");
        assertEquals(new RegistryRoute(RouteKind.TAGS, "my-org/my_app.v2", ""), tags);
        assertEquals("/v2/my-org/my_app.v2/tags/list", tags.path());
        // "manifests" may itself be a path component of a name
        assertEquals("a/manifests", RouteParser.parse("/v2/a/manifests/manifests/latest").name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Library/alpine", "a//b", "-a", "a-", "a..b", "a/", "a___b", "a%2Fb", "..", "a/../b", "a/%2e%2e/b"})
    void namesOutsideTheGrammar(String name) {
        RouteException e = refused("/v2/" + name + "/manifests/latest");
        assertEquals(400, e.status());
        assertEquals("NAME_INVALID", e.code());
    }

    @Test
    void nameLengthLimit() throws Exception {
        String longest = "a".repeat(255);
        assertEquals(longest, RouteParser.parse("/v2/" + longest + "/tags/list").name());
        assertEquals("NAME_INVALID", refused("/v2/" + "a".repeat(256) + "/tags/list").code());
    }

    static List<String> badTags() {
        return List.of("-latest", ".latest", "la%20test", "a/b", "", "x".repeat(129));
    }

    static List<String> badDigests() {
        return List.of("sha256:abc", "sha256:" + "A".repeat(64), "sha256:" + "a".repeat(65), "SHA256:" + "a".repeat(64),
                "sha256:" + "a".repeat(63) + "%", "sha256:../../../../etc/passwd00000000000000000000000",
                "sha512:" + "a".repeat(64), "sha512:" + "A".repeat(128), "sha512:" + "a".repeat(129));
    }

    /** Algorithms we cannot verify: docker-registry itself accepts sha384, and answers md5 with DIGEST_INVALID. */
    static List<String> unverifiableDigests() {
        return List.of("md5:" + "a".repeat(64), "sha384:" + "a".repeat(96), "sha1:" + "a".repeat(40),
                "blake3:" + "a".repeat(64), "sha256+b64u:" + "a".repeat(43));
    }

    @ParameterizedTest
    @MethodSource("badTags")
    void tagsOutsideTheGrammar(String tag) {
        RouteException e = refused("/v2/alpine/manifests/" + tag);
        assertEquals(400, e.status());
        assertEquals("TAG_INVALID", e.code());
    }

    @Test
    void longestTag() throws Exception {
        assertEquals("x".repeat(128), RouteParser.parse("/v2/alpine/manifests/" + "x".repeat(128)).reference());
    }

    @ParameterizedTest
    @MethodSource("badDigests")
    void digestsOutsideTheGrammar(String digest) {
        assertEquals("DIGEST_INVALID", refused("/v2/alpine/blobs/" + digest).code());
        assertEquals(400, refused("/v2/alpine/manifests/" + digest).status());
    }

    @ParameterizedTest
    @MethodSource("unverifiableDigests")
    void digestsWeCannotVerifyAreRefusedForBlobsAndManifests(String digest) {
        for (String path : new String[] {"/v2/alpine/blobs/" + digest, "/v2/alpine/manifests/" + digest}) {
            RouteException e = refused(path);
            assertEquals(400, e.status(), path);
            assertEquals("DIGEST_INVALID", e.code(), path);
            assertEquals(digest, e.detail(), path);
            assertTrue(e.getMessage().contains("sha256 and sha512"), e.getMessage());
        }
    }

    @Test
    void blobDigestMustBeADigestNotATag() {
        assertEquals("DIGEST_INVALID", refused("/v2/alpine/blobs/latest").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1/", "/v2/_catalog", "/v2/../../etc/passwd", "/v2/%2e%2e/%2e%2e/etc/passwd", "/v2x/",
            "/token/../v2/", "/v2/alpine", "/v2/alpine/tags/list/x", "/v2/alpine/referrers/x", "///v2/"})
    void otherPathsAreNotFound(String path) {
        RouteException e = refused(path);
        assertEquals(404, e.status(), path);
        assertEquals("NOT_FOUND", e.code());
    }

    @Test
    void uploadsAreWrites() {
        RouteException e = refused("/v2/alpine/blobs/uploads/");
        assertEquals(405, e.status());
        assertEquals("UNSUPPORTED", e.code());
    }
}
