package io.mirrorswitch.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.SeedStore;
import io.mirrorswitch.harness.SeededStorage;
import io.mirrorswitch.harness.TokenIssuer;
import io.mirrorswitch.harness.UpstreamRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mirrorswitch probe} against real registries: a healthy one, and fronts of it that are slow (trickled
 * bodies), throttled (429 Retry-After), corrupt (a flipped manifest byte), plus a login-walled token-auth
 * registry and a dead port. Each must come out with its outcome word and a note that says why.
 */
class ProbeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachKindOfMirrorGetsItsOutcomeWordFastestFirst(@TempDir Path dir) throws Exception {
        SeededStorage seed = SeedStore.shared();
        TokenIssuer walledIssuer = TokenIssuer.builder().service("walled").issuer("walled-issuer").loginWall(true).build();
        try (UpstreamRegistry healthy = UpstreamRegistry.anonymous(seed.storageDir());
             UpstreamRegistry walled = UpstreamRegistry.withIssuer(walledIssuer, seed.storageDir());
             FaultProxy slow = FaultProxy.inFrontOf(healthy);
             FaultProxy throttled = FaultProxy.inFrontOf(healthy);
             FaultProxy corrupt = FaultProxy.inFrontOf(healthy)) {
            // About 1 KiB of manifest and config blob at 300 B/s: well past slowAfter, well within the timeout.
            slow.inject(Fault.trickle(300).on(Match.MANIFESTS));
            slow.inject(Fault.trickle(300).on(Match.BLOBS));
            throttled.inject(Fault.tooManyRequests(3600).on(Match.MANIFESTS));
            corrupt.inject(Fault.flipByteAt(10).on(Match.MANIFESTS.method("GET")));
            Path config = Files.writeString(dir.resolve("config.yaml"), """
                    upstreams:
                      - {name: dead, url: 'http://127.0.0.1:%d'}
                      - {name: corrupt, url: '%s'}
                      - {name: walled, url: '%s'}
                      - {name: throttled, url: '%s'}
                      - {name: slow, url: '%s'}
                      - {name: healthy, url: '%s'}
                    health: {timeout: 20s, slowAfter: 1500ms}
                    """.formatted(closedPort(), corrupt.url(), walled.url(), throttled.url(), slow.url(), healthy.url()));

            CliRun table = CliRun.of("probe", "--config", config.toString());

            assertEquals(0, table.exitCode(), "healthy works: " + table);
            // Kept next to the status page screenshot: what an operator sees, for the docs and for review.
            Files.writeString(Path.of("target", "probe-example.txt"), table.err() + table.out());
            List<String> rows = table.out().lines().skip(1).toList();
            assertEquals(6, rows.size(), table.toString());
            assertTrue(rows.get(0).startsWith("healthy ") && rows.get(0).contains(" ok "), table.out());
            assertTrue(rows.get(1).startsWith("slow ") && rows.get(1).contains(" slow "), table.out());
            Map<String, String> outcomes = outcomeByName(rows);
            assertEquals(Map.of("healthy", "ok", "slow", "slow", "throttled", "throttled", "walled", "auth_wall",
                    "corrupt", "corrupt", "dead", "down"), outcomes, table.out());
            assertTrue(table.err().contains("[6/6] "), "progress on stderr: " + table.err());

            CliRun json = CliRun.of("probe", "--json", "--config", config.toString());
            assertEquals(0, json.exitCode(), json.toString());
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            JSON.readTree(json.out()).path("results").forEach(r -> byName.put(r.path("name").asText(), r));
            assertEquals(List.of("healthy", "slow"), List.copyOf(byName.keySet()).subList(0, 2));
            assertEquals("library/alpine:3.19", JSON.readTree(json.out()).path("image").asText());
            assertNote(byName, "throttled", "throttled", "429 Retry-After 3600");
            assertNote(byName, "corrupt", "corrupt", "manifest digest mismatch");
            assertNote(byName, "walled", "auth_wall", "token endpoint 401");
            JsonNode wall = byName.get("walled").path("evidence");
            assertEquals("GET " + walledIssuer.realm(), wall.path("step").asText(), "the refused token request: " + wall);
            assertEquals(401, wall.path("status").asInt(), wall.toString());
            assertNote(byName, "dead", "down", "connect refused");
            assertNote(byName, "slow", "slow", "slowAfter");
            assertTrue(byName.get("healthy").path("bytesPerSecond").asLong() > 0, "throughput measured");
            assertTrue(byName.get("throttled").path("retryAt").isTextual(), "the announced reset is kept");
        }
    }

    private static void assertNote(Map<String, JsonNode> byName, String name, String outcome, String noteContains) {
        JsonNode r = byName.get(name);
        assertEquals(outcome, r.path("outcome").asText(), r.toString());
        assertTrue(r.path("note").asText().contains(noteContains), name + ": " + r.path("note").asText());
    }

    /** Column 1 is the name, the outcome is the word after the three number columns. */
    private static Map<String, String> outcomeByName(List<String> rows) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String row : rows) {
            String[] cells = row.trim().split("\\s{2,}");
            out.put(cells[0], cells[4]);
        }
        return out;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
