package io.mirrorswitch.health;

import static io.mirrorswitch.health.Fixtures.PRIORITY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** /status and /readyz documents render with plain Jackson and never carry credentials. */
class StatusDocumentTest {
    private final MutableClock clock = MutableClock.atEpochPlusDay();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void statusHasTheIssueFieldsAndNoSecrets() throws Exception {
        HealthBoard board = new HealthBoard(List.of(Fixtures.withCredentials("hub1", 1, "hunter2-secret"),
                Fixtures.upstream("fallback", 2)), Fixtures.HEALTH, PRIORITY, clock);
        board.recordProbe(Fixtures.ok("hub1", clock.instant(), 412));
        ProbeEvidence evidence = new ProbeEvidence("HEAD /v2/library/alpine/manifests/3.19", OptionalInt.of(429),
                Map.of("Retry-After", "3600"), "");
        board.recordProbe(ProbeResult.failed("fallback", Outcome.THROTTLED, clock.instant(), Duration.ofMillis(80),
                "429 Retry-After 3600", evidence).withRetryAt(clock.instant().plusSeconds(3600)));

        String text = json.writeValueAsString(StatusDocument.status(board.snapshot()));
        assertFalse(text.contains("hunter2"), text);
        assertFalse(board.snapshot().toString().contains("hunter2"));
        JsonNode doc = json.readTree(text);
        assertEquals("hub1", doc.get("active").asText());
        assertEquals("priority", doc.get("policy").asText());
        assertEquals(1, doc.get("history").size());
        JsonNode fallback = doc.get("upstreams").get(1);
        assertEquals("https://fallback.example", fallback.get("url").asText());
        assertEquals("throttled", fallback.get("state").asText());
        assertFalse(fallback.get("healthy").asBoolean());
        assertEquals("2026-01-01T01:00:00Z", fallback.get("cooldownUntil").asText());
        assertEquals(429, fallback.get("lastProbe").get("evidence").get("status").asInt());
        assertEquals("3600", fallback.get("lastProbe").get("evidence").get("headers").get("Retry-After").asText());
        assertEquals("429 Retry-After 3600", fallback.get("lastError").asText());
        assertEquals("2026-01-01T00:00:00Z", fallback.get("lastErrorAt").asText(), "when, as an ISO instant");
        JsonNode hub1 = doc.get("upstreams").get(0);
        assertEquals(412, hub1.get("latencyMs").asLong());
        for (String field : List.of("name", "priority", "consecutiveOk", "consecutiveFail", "bytesPerSecond", "lastProbe",
                "lastError", "lastErrorAt", "healthySince")) {
            assertTrue(hub1.has(field), field);
        }
        assertTrue(hub1.get("lastErrorAt").isNull(), "no error yet");
    }

    @Test
    void readinessSummaryBeforeAnyProbe() throws Exception {
        HealthBoard board = Fixtures.board(clock, PRIORITY, Fixtures.HUB1);
        JsonNode doc = json.readTree(json.writeValueAsString(StatusDocument.summary(board.snapshot())));
        assertFalse(doc.get("ready").asBoolean());
        assertTrue(doc.get("active").isNull());
        assertEquals(0, doc.get("healthy").size());
        assertNull(StatusDocument.upstream(board.snapshot().upstreams().get(0)).get("latencyMs"));
    }
}
