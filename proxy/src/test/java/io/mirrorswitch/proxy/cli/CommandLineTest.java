package io.mirrorswitch.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config, argument errors of probe, and --help of every command, run in-process. */
class CommandLineTest {
    private static final String SECRET = "correct-Horse-battery";

    @TempDir
    Path dir;

    @Test
    void checkConfigPrintsTheEffectiveConfigWithSecretsMasked() throws IOException {
        Path password = Files.writeString(dir.resolve("hub-password"), SECRET + "\n");
        Path file = Files.writeString(dir.resolve("config.yaml"), """
                upstreams:
                  - {name: hub, url: https://registry-1.docker.io, username: me, passwordFile: %s}
                  - {name: mirror, url: https://mirror.example, priority: 0}
                health: {slowAfter: 2s}
                """.formatted(password));

        CliRun run = CliRun.of("check-config", file.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.out().contains(SECRET), "the password never prints");
        assertTrue(run.out().contains("passwordFile: " + password + "\n"), "the path is not secret: " + run.out());
        assertFalse(run.out().contains("password: "), run.out());
        assertTrue(run.out().contains("slowAfter: 2s") && run.out().contains("throttleCooldown: 5m"), run.out());
        MirrorswitchConfig printed = new ConfigLoader(Map.of()).parse(run.out());
        assertEquals("mirror", printed.upstreams().get(0).name(), "the printed YAML is a config that reads back");
        assertEquals("", run.err());
    }

    @Test
    void checkConfigFailsWithTheOneErrorLine() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "upstreams:\n  - {name: hub, url: 'https://hub.example/'}\n");

        CliRun run = CliRun.of("check-config", file.toString());

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertEquals("mirrorswitch: upstreams[0].url: 'https://hub.example/' is not valid, expected an http:// or "
                + "https:// URL with a host and no path, e.g. https://mirror.example (no trailing slash)\n", run.err());

        CliRun missing = CliRun.of("check-config", dir.resolve("absent.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertEquals("mirrorswitch: " + dir.resolve("absent.yaml") + ": cannot read config file (no such file)\n",
                missing.err());
    }

    @Test
    void serveAndCheckConfigSayTheSameAboutAMissingFile() {
        String absent = dir.resolve("absent.yaml").toString();

        CliRun serve = CliRun.of("serve", "--config", absent);
        CliRun check = CliRun.of("check-config", absent);

        assertEquals(2, serve.exitCode(), serve.toString());
        assertEquals("mirrorswitch: " + absent + ": cannot read config file (no such file)\n", serve.err());
        assertEquals(check.err(), serve.err(), "one wording, no Java class names");
    }

    @Test
    void everyCommandExplainsItselfWithExamples() {
        for (String[] args : new String[][] {{"--help"}, {"serve", "--help"}, {"check-config", "--help"},
                {"probe", "--help"}, {"help", "probe"}}) {
            CliRun run = CliRun.of(args);
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().contains("Examples:"), String.join(" ", args) + ":\n" + run.out());
            assertTrue(run.out().lines().allMatch(l -> l.length() <= 80), "fits 80 columns:\n" + run.out());
        }
        assertTrue(CliRun.of("--help").out().contains("check-config"));
        assertTrue(CliRun.of("probe", "--help").out().contains("auth_wall"), "the outcome words are explained");
    }

    @Test
    void probeArgumentMistakesAreUsageErrors() throws IOException {
        CliRun neither = CliRun.of("probe");
        assertEquals(2, neither.exitCode());
        assertTrue(neither.err().contains("either --config FILE or one or more mirror URLs"), neither.toString());

        Path file = Files.writeString(dir.resolve("c.yaml"), "upstreams: [{name: a, url: http://a.example}]\n");
        assertEquals(2, CliRun.of("probe", "--config", file.toString(), "http://b.example").exitCode());

        CliRun badImage = CliRun.of("probe", "--image", "Alpine", "http://a.example");
        assertEquals(2, badImage.exitCode());
        assertTrue(badImage.err().startsWith("mirrorswitch probe: --image: 'Alpine' is not valid"), badImage.toString());

        CliRun badUrl = CliRun.of("probe", "ftp://a.example");
        assertEquals(2, badUrl.exitCode());
        assertEquals("mirrorswitch probe: URL argument: 'ftp://a.example' is not valid, expected an http:// or https:// "
                + "URL with a host and no path, e.g. https://mirror.example\n", badUrl.err(), "names the argument, not a config key");

        CliRun secondBad = CliRun.of("probe", "http://a.example", "https://b.example/v2/");
        assertEquals(2, secondBad.exitCode());
        assertTrue(secondBad.err().startsWith("mirrorswitch probe: URL argument 2: 'https://b.example/v2/' is not valid"),
                secondBad.toString());

        CliRun twice = CliRun.of("probe", "https://a.example", "https://A.example:443/");
        assertEquals(2, twice.exitCode());
        assertEquals("mirrorswitch probe: URL argument 2: 'https://A.example:443/' is not valid, expected a mirror not "
                + "given before (URL argument 1 is the same)\n", twice.err());
    }

    @Test
    void probeAcceptsAUrlWithATrailingSlash() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed;

        CliRun run = CliRun.of("probe", "--timeout", "5s", "--slow-after", "1s", url + "/");

        assertEquals(1, run.exitCode(), "measured (and down), not refused as an argument: " + run);
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith(url + " ")), "shown without the slash: " + run.out());
        assertTrue(run.err().contains("[1/1] " + url + ": down"), run.err());
    }

    @Test
    void probeKeepsSlowAfterBelowTheTimeout() throws IOException {
        CliRun tooSlow = CliRun.of("probe", "--slow-after", "40s", "http://a.example");
        assertEquals(2, tooSlow.exitCode(), tooSlow.toString());
        assertEquals("mirrorswitch probe: --slow-after: '40s' is not valid, expected a duration below --timeout (30s): "
                + "a round that reaches the timeout is stalled, never slow\n", tooSlow.err());

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CliRun shortLimit = CliRun.of("probe", "--timeout", "3s", "http://127.0.0.1:" + closed);
        assertEquals(1, shortLimit.exitCode(), shortLimit.toString());
        assertTrue(shortLimit.err().startsWith("probing 1 mirror for library/alpine:3.19 (limit 3s each, slow after 1500ms)"),
                "without --slow-after, half the limit when the default is not below it: " + shortLimit.err());
    }

    @Test
    void probeOfARefusingMirrorSaysDownAndExitsOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed;

        CliRun run = CliRun.of("probe", "--timeout", "5s", url);

        assertEquals(1, run.exitCode(), "no mirror works: " + run);
        String row = run.out().lines().filter(l -> l.startsWith(url)).findFirst().orElseThrow(() -> new AssertionError(run));
        assertTrue(row.matches(".*\\sdown\\s+connect refused$"), row);
        assertTrue(run.err().contains("probing 1 mirror for library/alpine:3.19 (limit 5s each"), run.err());
        assertTrue(run.err().contains("[1/1] " + url + ": down"), run.err());
    }

    @Test
    void mirrorNamesFromUrls() {
        assertEquals("registry-1.docker.io", ProbeTargets.nameFor("https://registry-1.docker.io"));
        assertEquals("127.0.0.1-5000", ProbeTargets.nameFor("http://127.0.0.1:5000"));
        assertEquals("mirror", ProbeTargets.nameFor("::"));
    }
}
