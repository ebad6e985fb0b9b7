package io.mirrorswitch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OriginsTest {
    @Test
    void aTrailingSlashIsDroppedOnlyWhenAskedFor() {
        assertEquals(URI.create("https://mirror.example"), Origins.parseLenient("URL", "https://mirror.example/"));
        assertEquals(URI.create("http://10.0.0.5:5000"), Origins.parseLenient("URL", "http://10.0.0.5:5000/"));
        assertEquals("URL: 'https://mirror.example/' is not valid, expected an http:// or https:// URL with a host and no "
                        + "path, e.g. https://mirror.example (no trailing slash)",
                assertThrows(ConfigException.class, () -> Origins.parse("URL", "https://mirror.example/")).getMessage());
        assertEquals("URL: 'https://mirror.example/v2/' is not valid, expected an http:// or https:// URL with a host and "
                        + "no path, e.g. https://mirror.example",
                assertThrows(ConfigException.class, () -> Origins.parseLenient("URL", "https://mirror.example/v2/")).getMessage());
        assertEquals("URL: 'ftp://mirror.example/' is not valid, expected an http:// or https:// URL with a host and "
                        + "no path, e.g. https://mirror.example",
                assertThrows(ConfigException.class, () -> Origins.parseLenient("URL", "ftp://mirror.example/")).getMessage());
    }

    @Test
    void theSameOriginHasOneIdentity() {
        assertEquals(Origins.identity(URI.create("https://mirror.example")), Origins.identity(URI.create("https://MIRROR.example:443")));
        assertEquals("http://a.example:80", Origins.identity(URI.create("http://a.example")));
        assertEquals("https://a.example:8443", Origins.identity(URI.create("https://a.example:8443")));
    }
}
