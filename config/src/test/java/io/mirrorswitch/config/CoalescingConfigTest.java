package io.mirrorswitch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoalescingConfigTest {
    private static final String UPSTREAMS = "upstreams:\n  - {name: one, url: http://a.example}\n";
    private final ConfigLoader loader = new ConfigLoader(Map.of("SPOOL", "/var/spool/ms"));

    private String error(String coalescingSection) {
        return assertThrows(ConfigException.class, () -> loader.parse(UPSTREAMS + coalescingSection)).getMessage();
    }

    @Test
    void defaultsAreOnWithTwoGibibytesAndSixtyFourFetchesInTheTempDir() {
        CoalescingConfig c = loader.parse(UPSTREAMS).coalescing();
        assertEquals(CoalescingConfig.DEFAULTS, c);
        assertTrue(c.enabled());
        assertEquals(2L << 30, c.maxSpoolBytes());
        assertEquals(64, c.maxSharedFetches());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "mirrorswitch-spool"), c.spoolDir());
    }

    @Test
    void everyKeyIsRead() {
        CoalescingConfig c = loader.parse(UPSTREAMS + """
                coalescing:
                  enabled: false
                  spoolDir: ${SPOOL}
                  maxSpoolBytes: 512MiB
                  maxSharedFetches: 8
                """).coalescing();
        assertEquals(new CoalescingConfig(false, Path.of("/var/spool/ms"), 512L << 20, 8), c);
    }

    @Test
    void badValuesAreOneLineNamingKeyValueAndExpectation() {
        assertEquals("coalescing.enabled: 'yes please' is not valid, expected true or false",
                error("coalescing: {enabled: yes please}\n"));
        assertEquals("coalescing.maxSpoolBytes: '2GB' is not valid, expected a size such as 512MiB, 2GiB or 1000B",
                error("coalescing: {maxSpoolBytes: 2GB}\n"));
        assertEquals("coalescing.maxSpoolBytes: '99999999999TiB' is not valid, expected a size such as 512MiB, 2GiB or 1000B",
                error("coalescing: {maxSpoolBytes: 99999999999TiB}\n"));
        assertEquals("coalescing.maxSharedFetches: '0' is not valid, expected a whole number of at least 1",
                error("coalescing: {maxSharedFetches: 0}\n"));
        assertEquals("coalescing.spoolDir: '' is not valid, expected a directory path", error("coalescing: {spoolDir: ''}\n"));
        String unknown = error("coalescing: {maxSpool: 1GiB}\n");
        assertTrue(unknown.startsWith("coalescing.maxSpool: unknown key, expected one of enabled, spoolDir, maxSpoolBytes, "
                + "maxSharedFetches"), unknown);
        assertFalse(unknown.contains("\n"));
    }

    @Test
    void sizesParseAndFormatBackToTheSameNumber() {
        assertEquals(1000, ByteSizes.parse("k", "1000B"));
        assertEquals(64 << 10, ByteSizes.parse("k", "64KiB"));
        assertEquals(2L << 30, ByteSizes.parse("k", " 2GiB "));
        assertEquals(3L << 40, ByteSizes.parse("k", "3TiB"));
        for (long n : List.of(0L, 1000L, 1024L, 1536L << 20, 2L << 30, 5L << 40)) {
            assertEquals(n, ByteSizes.parse("k", ByteSizes.format(n)), ByteSizes.format(n));
        }
        assertEquals("2GiB", ByteSizes.format(2L << 30));
        assertEquals("1536MiB", ByteSizes.format(1536L << 20));
    }

    @Test
    void printedConfigCarriesTheSectionAndReadsBack() {
        MirrorswitchConfig config = loader.parse(UPSTREAMS + "coalescing: {maxSpoolBytes: 3GiB, maxSharedFetches: 5}\n");
        String yaml = ConfigPrinter.yaml(config);
        for (String line : List.of("coalescing:", "enabled: true", "maxSpoolBytes: 3GiB", "maxSharedFetches: 5",
                "spoolDir: " + CoalescingConfig.DEFAULT_SPOOL_DIR)) {
            assertTrue(yaml.contains(line), () -> "missing '" + line + "' in\n" + yaml);
        }
        assertEquals(config, loader.parse(yaml));
    }
}
