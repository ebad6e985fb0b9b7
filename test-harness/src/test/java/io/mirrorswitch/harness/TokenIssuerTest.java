package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token server on its own: credentials, login wall, and the JWT it signs. */
class TokenIssuerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TokenIssuer issuer;

    @BeforeAll
    static void startIssuer() {
        issuer = TokenIssuer.builder().service("upstream-a").issuer("issuer-a")
                .credentials("alice", "s3cret").build();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    @BeforeEach
    void reset() {
        issuer.loginWall(false);
        issuer.clearRequests();
    }

    @Test
    void loginWallRefusesAnonymousButNotCredentialsAndCanBeLiftedAtRunTime() throws Exception {
        issuer.loginWall(true);
        HttpResponse<String> anonymous = get(null, "repository:library/alpine:pull");
        assertEquals(401, anonymous.statusCode());
        assertEquals("login required", JSON.readTree(anonymous.body()).get("details").asText());

        assertEquals(200, get(basic("alice", "s3cret"), "repository:library/alpine:pull").statusCode());

        issuer.loginWall(false);
        assertEquals(200, get(null, "repository:library/alpine:pull").statusCode());
        assertEquals(List.of(401, 200, 200), issuer.requests().stream().map(TokenRequest::status).toList());
    }

    @Test
    void wrongCredentialsAreRefusedEvenWithoutLoginWall() throws Exception {
        HttpResponse<String> response = get(basic("alice", "wrong"), "repository:library/alpine:pull");
        assertEquals(401, response.statusCode());
        assertEquals(List.of(basic("alice", "wrong")), issuer.authorizationHeaders());
        assertEquals("alice", issuer.lastRequest().username());
    }

    @Test
    void tokenIsAnRs256JwtSignedByTheBundledCertificateWithTheRequestedPullAccess() throws Exception {
        HttpResponse<String> response = get(basic("alice", "s3cret"),
                "repository:library/alpine:pull", "repository:team/app:pull,push");
        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        String token = body.get("token").asText();
        assertEquals(token, body.get("access_token").asText());
        assertEquals(300, body.get("expires_in").asInt());
        Instant issuedAt = Instant.parse(body.get("issued_at").asText());

        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("RS256", header.get("alg").asText());
        byte[] x5c = Base64.getDecoder().decode(header.get("x5c").get(0).asText());
        String pem = Files.readString(issuer.rootCertBundle());
        byte[] bundled = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        assertArrayEquals(bundled, x5c, "x5c leaf must be the certificate in rootcertbundle");

        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(x5c)));
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rs256.verify(Base64.getUrlDecoder().decode(parts[2])), "signature must verify");

        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("issuer-a", claims.get("iss").asText());
        assertEquals("upstream-a", claims.get("aud").asText());
        assertEquals("alice", claims.get("sub").asText());
        assertEquals(issuedAt.getEpochSecond(), claims.get("iat").asLong());
        assertEquals(issuedAt.getEpochSecond() + 300, claims.get("exp").asLong());
        JsonNode access = claims.get("access");
        assertEquals("library/alpine", access.get(0).get("name").asText());
        assertEquals("[\"pull\"]", access.get(0).get("actions").toString());
        // push was asked for but this issuer was not built with grantPush(true)
        assertEquals("team/app", access.get(1).get("name").asText());
        assertEquals("[\"pull\"]", access.get(1).get("actions").toString());
        assertEquals(List.of("repository:library/alpine:pull", "repository:team/app:pull,push"),
                issuer.requestedScopes());
        assertEquals("upstream-a", issuer.lastRequest().service());
    }

    @Test
    void anonymousTokenHasEmptySubject() throws Exception {
        HttpResponse<String> response = get(null, "repository:library/busybox:pull");
        assertEquals(200, response.statusCode());
        String token = JSON.readTree(response.body()).get("token").asText();
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertEquals("", claims.get("sub").asText());
        assertTrue(issuer.lastRequest().anonymous());
    }

    private static HttpResponse<String> get(String authorization, String... scopes) throws Exception {
        StringBuilder uri = new StringBuilder(issuer.realm()).append("?service=").append(issuer.service());
        for (String scope : scopes) {
            uri.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString()));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
