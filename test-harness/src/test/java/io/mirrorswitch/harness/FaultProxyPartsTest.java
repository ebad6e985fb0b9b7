package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pieces of FaultProxy's HTTP handling that need no sockets: heads, request kinds, rule use. */
class FaultProxyPartsTest {

    @Test
    void repeatedFieldsKeepTheirOrderAndSpellingThroughReadAndWrite() throws IOException {
        String wire = "GET /v2/a/manifests/1 HTTP/1.1\r\nHost: x\r\n"
                + "Accept: application/vnd.oci.image.index.v1+json\r\n"
                + "accept: application/vnd.docker.distribution.manifest.v2+json\r\n"
                + "Accept: application/json\r\n\r\n";

        HttpHead head = HttpHead.read(stream(wire));

        assertEquals(wire, new String(head.toBytes(), StandardCharsets.ISO_8859_1));
        assertEquals("GET", head.method());
        assertEquals("/v2/a/manifests/1", head.target());
    }

    @Test
    void upgradeOfferIsRemovedButOtherConnectionTokensStay() throws IOException {
        HttpHead head = HttpHead.read(stream("GET / HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings, close\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n\r\n"));

        head.removeUpgradeOffer();

        assertEquals("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", new String(head.toBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void cleanEndBeforeAHeadIsNullButAnEndInsideOneIsAnError() throws IOException {
        assertNull(HttpHead.read(stream("")));
        assertThrows(EOFException.class, () -> HttpHead.read(stream("HTTP/1.1 200 OK\r\nContent-Len")));
    }

    @Test
    void requestKindsFollowTheRegistryRoutesWithSlashesInNames() {
        assertEquals(RequestKind.BASE, RequestKind.of("/v2/"));
        assertEquals(RequestKind.MANIFEST, RequestKind.of("/v2/library/alpine/manifests/3.19"));
        assertEquals(RequestKind.BLOB, RequestKind.of("/v2/a/b/c/blobs/sha256:" + "0".repeat(64)));
        assertEquals(RequestKind.TAGS, RequestKind.of("/v2/team/app/tags/list?n=10&last=v1"));
        assertEquals(RequestKind.OTHER, RequestKind.of("/v2/team/app/blobs/uploads/"));
        assertEquals(RequestKind.OTHER, RequestKind.of("/v2/team/app/blobs/uploads"));
        assertEquals(RequestKind.OTHER, RequestKind.of("/v2/_catalog"));
    }

    @Test
    void answeringFaultsWinAndBodyFaultsOfOneKindApplyOnce() {
        RuleBook rules = new RuleBook();
        rules.add(Fault.flipByteAt(1).on(Match.BLOBS));
        rules.add(Fault.flipByteAt(2).on(Match.BLOBS));
        rules.add(Fault.status(500).on(Match.BLOBS.method("HEAD")).once());
        String blob = "/v2/a/blobs/sha256:" + "1".repeat(64);
        BodyFraming body = new BodyFraming(BodyFraming.Type.FIXED, 100);

        assertEquals(500, ((StatusFault) rules.forRequest("HEAD", blob, false).answer()).status());
        assertNull(rules.forRequest("HEAD", blob, false).answer(), "used up");
        BodyFaults faults = rules.forResponse("GET", blob, 200, body);
        assertEquals(1, faults.flipOffset(), "the first flip; the second is not used");
        assertEquals(BodyFaults.NONE, rules.forResponse("GET", blob, 401, body), "not a 2xx");
        assertEquals(2, rules.active().size());
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
