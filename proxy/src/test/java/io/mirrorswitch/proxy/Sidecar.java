package io.mirrorswitch.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A running mirrorswitch on 127.0.0.1 (ephemeral ports) in front of the given upstreams, and a downstream client
 * that behaves like registry:2: fetch a token from our /token, then send it as Bearer.
 */
final class Sidecar implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final Mirrorswitch server;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Sidecar(Mirrorswitch server) {
        this.server = server;
    }

    /** @param upstreams YAML flow mappings, e.g. {@code {name: a, url: http://127.0.0.1:1234}} */
    static Sidecar start(String... upstreams) {
        return startWith("", Map.of(), upstreams);
    }

    static Sidecar startWith(String extraTopLevelYaml, Map<String, String> env, String... upstreams) {
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\n").append(extraTopLevelYaml)
                .append("upstreams:\n");
        for (String u : upstreams) {
            yaml.append("  - ").append(u).append('\n');
        }
        return new Sidecar(Mirrorswitch.start(new ConfigLoader(env).parse(yaml.toString()), false));
    }

    int port() {
        return server.port();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** A token from our own token endpoint, as registry:2 fetches one (scope may be null, as for /v2/). */
    String token(String scope) {
        String query = "?service=mirrorswitch" + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpResponse<byte[]> response = send("GET", "/token" + query, null);
        if (response.statusCode() != 200) {
            throw new AssertionError("token endpoint answered " + response.statusCode());
        }
        return json(response).get("token").asText();
    }

    HttpResponse<byte[]> send(String method, String pathAndQuery, String token, String... headerPairs) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20))
                .method(method, method.equals("GET") || method.equals("HEAD")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headerPairs.length; i += 2) {
            request.header(headerPairs[i], headerPairs[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET with a token for the path's repository (or a scope-less token for /v2/). */
    HttpResponse<byte[]> pull(String method, String path, String... headerPairs) {
        return send(method, path, token(scopeOf(path)), headerPairs);
    }

    static String scopeOf(String path) {
        String rest = path.replaceFirst("^//?v2/", "");
        for (String marker : new String[] {"/manifests/", "/blobs/", "/tags/list"}) {
            int at = rest.lastIndexOf(marker);
            if (at > 0) {
                return "repository:" + rest.substring(0, at) + ":pull";
            }
        }
        return null;
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(response.body(), StandardCharsets.UTF_8), e);
        }
    }

    static String errorCode(HttpResponse<byte[]> response) {
        return json(response).path("errors").path(0).path("code").asText();
    }

    @Override
    public void close() {
        server.close();
    }
}
