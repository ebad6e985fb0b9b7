package io.mirrorswitch.proxy.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("PW", "secret-1", "PW2", "secret-2"));
    private final MirrorswitchConfig base = loader.parse("""
            upstreams:
              - {name: a, url: https://a.example, priority: 1}
              - {name: b, url: https://b.example, priority: 2, username: u, password: "${PW}"}
            """);

    private ConfigChanges to(String yaml) {
        return ConfigChanges.between(base, base, loader.parse(yaml));
    }

    @Test
    void theSameFileChangesNothing() {
        ConfigChanges none = ConfigChanges.between(base, base, base);
        assertFalse(none.anyLive());
        assertEquals(List.of(), none.restartNeeded());
        assertEquals(List.of(), none.describe());
    }

    @Test
    void upstreamsAddedRemovedAndChanged() {
        ConfigChanges c = to("""
                upstreams:
                  - {name: b, url: https://b.example, priority: 1, username: u, password: "${PW2}"}
                  - {name: c, url: https://c.example, priority: 2}
                """);
        assertEquals(List.of("c"), c.added());
        assertEquals(List.of("a"), c.removed());
        assertEquals(List.of("b"), c.changed(), "priority and password of b changed");
        assertTrue(c.upstreamsChanged());
        assertFalse(c.healthChanged());
        assertEquals(List.of("upstreams added: c", "upstreams removed: a",
                "upstreams changed (url, priority or credentials): b"), c.describe());
        assertFalse(String.join(" ", c.describe()).contains("secret"), "descriptions never carry credentials");
    }

    @Test
    void settingsAppliedLiveAndSettingsThatNeedARestart() {
        ConfigChanges c = to("""
                listen: 0.0.0.0:6000
                publicUrl: https://cache.example
                upstreams:
                  - {name: a, url: https://a.example, priority: 1}
                  - {name: b, url: https://b.example, priority: 2, username: u, password: "${PW}"}
                health: {interval: 10s}
                selection: {policy: fastest}
                timeouts: {idle: 30s}
                coalescing: {enabled: false}
                """);
        assertFalse(c.upstreamsChanged());
        assertTrue(c.healthChanged());
        assertTrue(c.selectionChanged());
        assertEquals(List.of("listen", "publicUrl", "timeouts", "coalescing"), c.restartNeeded());
    }

    @Test
    void restartOnlyKeysAreComparedWithTheConfigTheProcessStartedWith() {
        MirrorswitchConfig moved = loader.parse("""
                admin: 127.0.0.1:9999
                upstreams:
                  - {name: a, url: https://a.example, priority: 1}
                  - {name: b, url: https://b.example, priority: 2, username: u, password: "${PW}"}
                """);
        assertEquals(List.of("admin"), ConfigChanges.between(base, moved, moved).restartNeeded(),
                "still pending: the admin socket has not moved since start");
        assertEquals(List.of(), ConfigChanges.between(base, moved, base).restartNeeded(), "moved back: nothing pending");
    }
}
