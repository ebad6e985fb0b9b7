package io.mirrorswitch.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Registry API calls made by hand with the JDK client, so tests see exactly what goes over the wire. */
final class RegistryHttp {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryHttp() {
    }

    /** GET a manifest, with {@code Authorization: Bearer <token>} when a token is given. */
    static HttpResponse<byte[]> getManifest(String registryUrl, String name, String reference, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(registryUrl + "/v2/" + name + "/manifests/" + reference))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", OCI_MANIFEST);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Fetches an anonymous token for {@code scope} from the issuer's realm, as a client would. */
    static String fetchToken(TokenIssuer issuer, String scope) throws IOException, InterruptedException {
        URI uri = URI.create(issuer.realm() + "?service=" + URLEncoder.encode(issuer.service(), StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("token request answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("token").asText();
    }
}
