package io.mirrorswitch.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page's "Last error" column in a real browser (headless Chromium), on a /status document made up for
 * the test: an error has an age ("5 min ago"), and is greyed out once the upstream has been healthy since.
 */
class StatusPageLastErrorTest {

    @Test
    void anErrorShowsItsAgeAndIsGreyedOutOnceTheUpstreamHasBeenHealthySince(@TempDir Path work) throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find(work);
        Instant now = Instant.now();
        // Half-minute offsets keep the minutes shown whole while the browser starts.
        String status = """
                {"ready": true, "active": "recovered", "since": "%1$s", "reason": "recovered ok 12 ms", "allDown": false,
                 "healthy": ["recovered"], "policy": "priority",
                 "upstreams": [
                   {"name": "recovered", "url": "http://one.example", "priority": 1, "healthy": true, "state": "ok",
                    "healthySince": "%1$s", "lastProbe": null,
                    "lastError": "connect refused", "lastErrorAt": "%2$s"},
                   {"name": "broken", "url": "http://two.example", "priority": 2, "healthy": false, "state": "down",
                    "healthySince": null, "lastProbe": null,
                    "lastError": "503 on GET /v2/", "lastErrorAt": "%3$s"},
                   {"name": "older", "url": "http://three.example", "priority": 3, "healthy": false, "state": "down",
                    "healthySince": null, "lastProbe": null, "lastError": "connect timeout"}
                 ],
                 "history": [], "config": {}}
                """.formatted(now.minus(Duration.ofSeconds(150)), now.minus(Duration.ofSeconds(330)),
                now.minus(Duration.ofSeconds(210)));
        StatusPage page = StatusPage.load();
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> {
                    if (exchange.getRequestPath().equals("/status")) {
                        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                        exchange.getResponseSender().send(status);
                    } else {
                        page.send(exchange);
                    }
                })
                .build();
        server.start();
        try {
            int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            String dom = chromium.dumpDom("http://127.0.0.1:" + port + "/");

            String recovered = lastErrorCell(dom, "recovered");
            assertTrue(recovered.contains("class=\"error last-error stale\""), "greyed out: " + recovered);
            assertTrue(recovered.contains("connect refused"), recovered);
            assertTrue(recovered.contains("5 min ago, healthy since 2 min ago"), recovered);

            String broken = lastErrorCell(dom, "broken");
            assertFalse(broken.contains("stale"), "a current error stays red: " + broken);
            assertTrue(broken.contains("503 on GET /v2/") && broken.contains("3 min ago"), broken);

            String older = lastErrorCell(dom, "older");
            assertTrue(older.contains("connect timeout") && !older.contains("ago"),
                    "a document without lastErrorAt still shows the error: " + older);
        } finally {
            server.stop();
        }
    }

    private static String lastErrorCell(String dom, String upstream) {
        Matcher row = Pattern.compile("<tr data-upstream=\"" + Pattern.quote(upstream) + "\".*?</tr>", Pattern.DOTALL)
                .matcher(dom);
        if (!row.find()) {
            throw new AssertionError("no row for " + upstream + " in the DOM:\n" + dom);
        }
        Matcher cell = Pattern.compile("<td class=\"error last-error[^\"]*\".*?</td>", Pattern.DOTALL).matcher(row.group());
        if (!cell.find()) {
            throw new AssertionError("no last-error cell in " + row.group());
        }
        return cell.group();
    }
}
