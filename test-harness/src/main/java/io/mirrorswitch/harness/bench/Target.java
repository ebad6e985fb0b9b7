package io.mirrorswitch.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One way to reach the upstream content: direct, through nginx, through mirrorswitch. Each has the token realm a
 * registry:2 would be sent to by that target's challenge: the upstream's own issuer for direct and nginx (nginx
 * passes the upstream's challenge through), mirrorswitch's own {@code /token} for mirrorswitch.
 */
record Target(String label, String origin, String realm, String service) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The six Accept lines registry:2 sends on manifest requests. */
    static final List<String> MANIFEST_ACCEPT = List.of(
            "Accept: application/vnd.docker.distribution.manifest.v2+json",
            "Accept: application/vnd.docker.distribution.manifest.list.v2+json",
            "Accept: application/vnd.oci.image.manifest.v1+json",
            "Accept: application/vnd.oci.image.index.v1+json",
            "Accept: application/vnd.docker.distribution.manifest.v1+prettyjws",
            "Accept: application/json");

    static final String USER_AGENT = "User-Agent: mirrorswitch-bench";

    /** A mirrorswitch instance: its own {@code /token} realm and challenge in front of the upstream's token flow. */
    static Target throughMirrorswitch(String label, MirrorswitchProcess mirrorswitch) {
        return new Target(label, mirrorswitch.origin(), mirrorswitch.origin() + "/token", "mirrorswitch");
    }

    String host() {
        return URI.create(origin).getHost();
    }

    int port() {
        return URI.create(origin).getPort();
    }

    Http1 connect(int bufferBytes) {
        return Http1.to(origin, bufferBytes);
    }

    Http1 connectRealm() {
        return Http1.to(realm, 16 * 1024);
    }

    String tokenPath(String repo) {
        return URI.create(realm).getRawPath() + "?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode("repository:" + repo + ":pull", StandardCharsets.UTF_8);
    }

    /** One pull token for {@code repo}, on a connection of the caller's (kept alive between calls). */
    String token(Http1 realmConnection, String repo) throws IOException {
        Http1.Response r = realmConnection.getKeep(tokenPath(repo), List.of(USER_AGENT), 10_000);
        if (r.status() != 200) {
            throw new IOException(label + ": token endpoint " + realm + " answered " + r.status() + ": " + r.bodyText());
        }
        JsonNode doc = JSON.readTree(r.body());
        JsonNode token = doc.hasNonNull("token") ? doc.get("token") : doc.get("access_token");
        if (token == null) {
            throw new IOException(label + ": no token in " + r.bodyText());
        }
        return token.asText();
    }

    String token(String repo) throws IOException {
        try (Http1 c = connectRealm()) {
            return token(c, repo);
        }
    }
}
