package io.mirrorswitch.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.harness.SeedStore;
import io.mirrorswitch.harness.UpstreamRegistry;
import io.mirrorswitch.proxy.AdminClient;
import io.mirrorswitch.proxy.Mirrorswitch;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser (headless Chromium) against a running mirrorswitch with a real healthy
 * upstream and a dead one: after its scripts ran, the DOM shows the active upstream and one row per upstream
 * with the state /status reports. The screenshot is kept as a build artifact, proxy/target/status-page.png.
 */
class StatusPageBrowserTest {
    static final Path SCREENSHOT = Path.of("target", "status-page.png");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void showsTheActiveUpstreamAndARowPerUpstreamInARealBrowser(@TempDir Path work) throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find(work);
        try (UpstreamRegistry healthy = UpstreamRegistry.anonymous(SeedStore.shared().storageDir());
             Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     upstreams:
                       - {name: dead, url: 'http://127.0.0.1:%d', priority: 1}
                       - {name: mirror, url: '%s', priority: 2}
                     health: {interval: 2s, timeout: 5s, slowAfter: 2s}
                     """.formatted(closedPort(), healthy.url())))) {
            AdminClient admin = new AdminClient(mirrorswitch.adminPort());
            admin.awaitStatus(s -> "mirror".equals(s.path("active").asText())
                            && "down".equals(s.path("upstreams").path(0).path("state").asText()),
                    Duration.ofSeconds(20), "mirror active, dead judged down");
            String page = admin.base() + "/";

            String dom = chromium.dumpDom(page);

            assertEquals("mirror", text(dom, "<span class=\"name\" id=\"active\">"), "the active upstream is shown");
            String mirrorRow = row(dom, "mirror");
            assertTrue(mirrorRow.contains("data-state=\"ok\"") && mirrorRow.contains("is-active"), mirrorRow);
            assertTrue(mirrorRow.contains(healthy.url()), "its URL: " + mirrorRow);
            assertTrue(Pattern.compile("class=\"num latency\">(\\d+ ms|[\\d.]+ s)<").matcher(mirrorRow).find(), "latency: " + mirrorRow);
            assertTrue(Pattern.compile("class=\"num throughput\">[\\d.]+ [KMG]?i?B/s<").matcher(mirrorRow).find(),
                    "throughput: " + mirrorRow);
            assertTrue(mirrorRow.contains("ok in "), "last probe: " + mirrorRow);
            String deadRow = row(dom, "dead");
            assertTrue(deadRow.contains("data-state=\"down\""), deadRow);
            assertTrue(deadRow.contains("connect refused"), "last error: " + deadRow);
            assertTrue(dom.contains("selected mirror"), "the switch history lists the first choice");
            assertTrue(dom.contains("updated "), "the refresh succeeded");

            chromium.screenshot(page, SCREENSHOT, 1200, 800);
            byte[] png = Files.readAllBytes(SCREENSHOT);
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8), "a PNG");
            assertTrue(png.length > 20_000, "a rendered page, not a blank image: " + png.length + " bytes");
        }
    }

    /** The serialized {@code <tr>} of one upstream. */
    private static String row(String dom, String upstream) {
        Matcher m = Pattern.compile("<tr data-upstream=\"" + Pattern.quote(upstream) + "\".*?</tr>", Pattern.DOTALL).matcher(dom);
        if (!m.find()) {
            throw new AssertionError("no row for " + upstream + " in the DOM:\n" + dom);
        }
        return m.group();
    }

    private static String text(String dom, String openingTag) {
        int at = dom.indexOf(openingTag);
        if (at < 0) {
            throw new AssertionError(openingTag + " not in the DOM:\n" + dom);
        }
        int start = at + openingTag.length();
        return dom.substring(start, dom.indexOf('<', start));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
