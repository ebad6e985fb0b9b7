package io.mirrorswitch.harness.bench;

import java.io.IOException;
import java.util.List;

/** Request paths, headers and answer checks of the registry API, as the load clients use them. */
final class RegistryApi {
    private RegistryApi() {
    }

    static String blobPath(String repo, String digest) {
        return "/v2/" + repo + "/blobs/" + digest;
    }

    static String manifestPath(String repo, String reference) {
        return "/v2/" + repo + "/manifests/" + reference;
    }

    static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    /** The headers of an authorised blob GET: the bearer token and the bench's User-Agent. */
    static List<String> authorized(String token) {
        return List.of(bearer(token), Target.USER_AGENT);
    }

    /** Fails unless the answer has the expected status and its body the expected length. */
    static void check(Http1.Response r, int status, long length, String what) throws IOException {
        if (r.status() != status) {
            throw new IOException(what + ": status " + r.status() + " (wanted " + status + ")");
        }
        if (r.bodyBytes() != length) {
            throw new IOException(what + ": " + r.bodyBytes() + " bytes (wanted " + length + ")");
        }
    }
}
