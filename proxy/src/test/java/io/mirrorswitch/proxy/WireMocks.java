package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/** WireMock upstreams on 127.0.0.1, with gzip off so that what a stub says is byte-for-byte what goes out. */
final class WireMocks {
    private WireMocks() {
    }

    static WireMockExtension upstream() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true)
                        .containerThreads(20).jettyAcceptors(1))
                .failOnUnmatchedRequests(false)
                .build();
    }

    static String origin(WireMockExtension wm) {
        return "http://127.0.0.1:" + wm.getPort();
    }

    /** YAML flow mapping of an anonymous upstream. */
    static String upstream(String name, WireMockExtension wm) {
        return "{name: " + name + ", url: '" + origin(wm) + "'}";
    }

    /** The sha256 digest of {@code bytes}, so blob bodies in tests are what their digest says. */
    static String digest(byte[] bytes) {
        try {
            return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String blobPath(String repository, byte[] bytes) {
        return "/v2/" + repository + "/blobs/" + digest(bytes);
    }

    static List<LoggedRequest> received(WireMockExtension wm) {
        return wm.getAllServeEvents().stream().map(e -> e.getRequest()).toList();
    }
}
