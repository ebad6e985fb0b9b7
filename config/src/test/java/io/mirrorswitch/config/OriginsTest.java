package io.mirrorswitch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
    void aPortOutsideOneTo65535IsRefusedHere() {
        // java.net.URI takes any digits; OkHttp would refuse them later, in the middle of a reload or a probe.
        for (String url : new String[] {"http://127.0.0.1:99999", "http://127.0.0.1:0"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Origins.parse("upstreams[0].url", url));
            assertTrue(e.getMessage().endsWith("(a port from 1 to 65535)"), e.getMessage());
        }
        assertEquals(URI.create("http://127.0.0.1:65535"), Origins.parse("URL", "http://127.0.0.1:65535"));
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        assertEquals(URI.create("https://mirror.example"), Origins.parse("URL", "HTTPS://mirror.example"));
        assertEquals(URI.create("http://[::1]:5000"), Origins.parse("URL", "Http://[::1]:5000"));
    }

    @Test
    void aPasswordWrittenIntoTheUrlIsNeverEchoed() {
        for (String url : new String[] {"http://puller:s3cr3t-XYZ@127.0.0.1:5000", "https://s3cr3t-XYZ@mirror.example/v2/"}) {
            String message = assertThrows(ConfigException.class, () -> Origins.parse("upstreams[0].url", url)).getMessage();
            assertFalse(message.contains("s3cr3t"), message);
            assertTrue(message.contains("'http") && message.contains("******@"), message);
        }
        assertTrue(assertThrows(ConfigException.class, () -> Origins.parse("u", "http://a:b@mirror.example")).getMessage()
                .contains("credentials belong in username and password"));
    }

    @Test
    void theSameOriginHasOneIdentity() {
        assertEquals(Origins.identity(URI.create("https://mirror.example")), Origins.identity(URI.create("https://MIRROR.example:443")));
        assertEquals("http://a.example:80", Origins.identity(URI.create("http://a.example")));
        assertEquals("https://a.example:8443", Origins.identity(URI.create("https://a.example:8443")));
    }
}
