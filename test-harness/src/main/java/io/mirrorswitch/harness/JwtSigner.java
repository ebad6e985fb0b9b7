package io.mirrorswitch.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Produces compact RS256 JWTs in the shape docker-registry's {@code auth.token} accepts: the signing
 * certificate travels in the {@code x5c} header and must chain to the registry's rootcertbundle.
 */
final class JwtSigner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SelfSignedCertificate certificate;
    private final String headerPart;

    JwtSigner(SelfSignedCertificate certificate) {
        this.certificate = certificate;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        // x5c uses standard base64 (not base64url), per RFC 7515 section 4.1.6.
        header.put("x5c", List.of(Base64.getEncoder().encodeToString(certificate.der())));
        this.headerPart = encode(header);
    }

    String sign(Map<String, Object> claims) {
        String signingInput = headerPart + "." + encode(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(certificate.privateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new HarnessException("cannot sign token", e);
        }
    }

    private static String encode(Map<String, Object> json) {
        try {
            return BASE64URL.encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new HarnessException("cannot serialise JWT part " + json, e);
        }
    }
}
