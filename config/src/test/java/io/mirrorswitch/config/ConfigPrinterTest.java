package io.mirrorswitch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrinterTest {
    private static final String SECRET = "hunter2-Pa55";
    private final ConfigLoader loader = new ConfigLoader(Map.of("PW", SECRET));

    @Test
    void printsEveryKeyWithItsDefaultAndReadsBackToTheSameConfig() {
        MirrorswitchConfig config = loader.parse("""
                publicUrl: https://cache.example
                upstreams:
                  - {name: hub1, url: https://mirror-one.example}
                  - {name: two, url: http://10.0.0.2:5000, priority: 0}
                selection: {policy: fastest, margin: 15%}
                timeouts: {minThroughput: 1MiB/s, connect: 500ms}
                """);
        String yaml = ConfigPrinter.yaml(config);

        for (String key : new String[] {"listen: 0.0.0.0:5080", "admin: 0.0.0.0:5081", "publicUrl: https://cache.example",
                "interval: 30s", "probe: library/alpine:3.19", "timeout: 30s", "slowAfter: 5s", "rise: 2", "fall: 3",
                "deepEvery: 1", "throttleCooldown: 5m", "policy: fastest", "failbackAfter: 1m", "margin: 15%",
                "connect: 500ms", "firstByte: 10s", "idle: 15s", "minThroughput: 1MiB/s", "throughputWindow: 10s",
                "tagNotFoundRetries: 1"}) {
            assertTrue(yaml.contains(key), () -> "missing '" + key + "' in\n" + yaml);
        }
        assertEquals(config, loader.parse(yaml), "the printed config is the effective config");
        assertTrue(yaml.indexOf("name: two") < yaml.indexOf("name: hub1"), "upstreams print in failover (priority) order");
    }

    @Test
    void secretsAreMaskedWhateverTheirSource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, SECRET + "-from-file\n");
        MirrorswitchConfig config = loader.parse("""
                upstreams:
                  - {name: a, url: https://a.example, username: alice, password: "${PW}"}
                  - {name: b, url: https://b.example, username: bob, passwordFile: %s}
                  - {name: c, url: https://c.example, username: carol, password: inline-%s}
                """.formatted(file, SECRET));
        String yaml = ConfigPrinter.yaml(config);

        assertFalse(yaml.contains(SECRET), yaml);
        assertEquals(2, yaml.split("password: '\\*{6}'", -1).length - 1, yaml);
        assertTrue(yaml.contains("username: alice"), yaml);
    }

    @Test
    void aPasswordFromAFileIsShownAsItsPathAndReadsBack(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), SECRET + "\n");
        MirrorswitchConfig config = loader.parse("""
                upstreams:
                  - {name: b, url: https://b.example, username: bob, passwordFile: %s}
                """.formatted(file));

        String yaml = ConfigPrinter.yaml(config);

        assertTrue(yaml.contains("    passwordFile: " + file + "\n"), yaml);
        assertFalse(yaml.contains("password:"), "no masked password besides the file: " + yaml);
        assertFalse(yaml.contains(SECRET), yaml);
        assertEquals(config, loader.parse(yaml), "the printed config reads back, password file and all");
    }

    @Test
    void aSecretInAMistypedPasswordValueIsNotEchoedInTheErrorLine() {
        String message = assertThrows(ConfigException.class, () -> loader.parse(
                "upstreams:\n  - {name: a, url: https://a.example, username: u, password: [" + SECRET + "]}\n")).getMessage();

        assertFalse(message.contains(SECRET), message);
        assertTrue(message.startsWith("upstreams[0].password: '******' is not valid"), message);
    }

    @Test
    void marginsPrintAsPercentages() {
        assertEquals("20%", ConfigPrinter.percent(0.2));
        assertEquals("12.5%", ConfigPrinter.percent(0.125));
        assertEquals("0%", ConfigPrinter.percent(0));
        assertEquals("99.9%", ConfigPrinter.percent(99.9 / 100), "as the loader reads 99.9%");
    }
}
