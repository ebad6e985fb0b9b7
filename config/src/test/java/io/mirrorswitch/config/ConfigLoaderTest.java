package io.mirrorswitch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String PINNED_EXAMPLE = """
            listen: 0.0.0.0:5080          # registry:2's proxy.remoteurl points here: http://mirrorswitch:5080
            admin: 0.0.0.0:5081           # /healthz, /status (more come with the health and operations work)
            upstreams:                    # tried in priority order, lowest first
              - name: hub1
                url: https://mirror-one.example
                priority: 1
              - name: fallback
                url: https://mirror-two.example
                priority: 2
                username: someone         # optional upstream credentials; ${ENV_VAR} is substituted
                password: ${MIRROR_TWO_PASSWORD}
            health:
              interval: 30s
              probe: library/alpine:3.19
            selection:
              policy: priority
              failbackAfter: 60s
            """;
    private static final String SECRET = "s3cr3t-Pa55";

    private final ConfigLoader loader = new ConfigLoader(Map.of("MIRROR_TWO_PASSWORD", SECRET));

    private static String minimal(String upstreamLines) {
        return "upstreams:\n  - name: one\n" + upstreamLines;
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> loader.parse(yaml)).getMessage();
    }

    @Test
    void parsesThePinnedExampleOfTheIssue() {
        MirrorswitchConfig config = loader.parse(PINNED_EXAMPLE);

        assertEquals(new HostPort("0.0.0.0", 5080), config.listen());
        assertEquals(new HostPort("0.0.0.0", 5081), config.admin());
        assertEquals(Optional.empty(), config.publicUrl());
        assertEquals(List.of("hub1", "fallback"), config.upstreams().stream().map(UpstreamConfig::name).toList());
        UpstreamConfig hub1 = config.upstreams().get(0);
        assertEquals(URI.create("https://mirror-one.example"), hub1.url());
        assertEquals(1, hub1.priority());
        assertFalse(hub1.hasCredentials());
        UpstreamConfig fallback = config.upstream("fallback").orElseThrow();
        assertEquals(2, fallback.priority());
        assertEquals(Optional.of("someone"), fallback.username());
        assertEquals(SECRET, fallback.password().orElseThrow().reveal());
        assertTrue(fallback.hasCredentials());
        assertEquals(Duration.ofSeconds(30), config.health().interval());
        assertEquals("library/alpine", config.health().probeRepository());
        assertEquals("3.19", config.health().probeTag());
        assertEquals(SelectionConfig.Policy.PRIORITY, config.selection().policy());
        assertEquals(Duration.ofSeconds(60), config.selection().failbackAfter());
    }

    @Test
    void secretsNeverAppearInToString() {
        MirrorswitchConfig config = loader.parse(PINNED_EXAMPLE);
        UpstreamConfig fallback = config.upstream("fallback").orElseThrow();

        assertFalse(fallback.toString().contains(SECRET), fallback.toString());
        assertFalse(config.toString().contains(SECRET), config.toString());
        assertFalse(fallback.password().orElseThrow().toString().contains(SECRET));
        assertTrue(fallback.toString().contains("someone"), "the username is not secret: " + fallback);
    }

    @Test
    void defaultsFillEverythingButUpstreams() {
        MirrorswitchConfig config = loader.parse("upstreams:\n  - name: a\n    url: http://127.0.0.1:1\n  - name: b\n    url: http://127.0.0.1:2\n");

        assertEquals(new HostPort("0.0.0.0", 5080), config.listen());
        assertEquals(new HostPort("0.0.0.0", 5081), config.admin());
        assertEquals(HealthConfig.DEFAULTS, config.health());
        assertEquals(SelectionConfig.DEFAULTS, config.selection());
        assertEquals(TimeoutsConfig.DEFAULTS, config.timeouts());
        // priority defaults to the position in the file
        assertEquals(List.of(1, 2), config.upstreams().stream().map(UpstreamConfig::priority).toList());
    }

    @Test
    void upstreamsAreOrderedByPriorityThenFileOrder() {
        MirrorswitchConfig config = loader.parse("""
                upstreams:
                  - {name: c, url: http://c.example, priority: 5}
                  - {name: a, url: http://a.example, priority: 1}
                  - {name: b, url: http://b.example, priority: 5}
                """);
        assertEquals(List.of("a", "c", "b"), config.upstreams().stream().map(UpstreamConfig::name).toList());
    }

    @Test
    void publicUrlAndListenAddresses() {
        MirrorswitchConfig config = loader.parse("listen: 127.0.0.1:0\nadmin: '[::1]:9000'\npublicUrl: https://cache.example:8443\n"
                + minimal("    url: http://a.example\n"));
        assertEquals(new HostPort("127.0.0.1", 0), config.listen());
        assertEquals(new HostPort("::1", 9000), config.admin());
        assertEquals(Optional.of(URI.create("https://cache.example:8443")), config.publicUrl());
    }

    @Test
    void durationsInEveryUnit() {
        MirrorswitchConfig config = loader.parse(minimal("    url: http://a.example\n") + """
                health:
                  interval: 5m
                  timeout: 500ms
                  slowAfter: 200ms
                selection:
                  failbackAfter: 1h
                timeouts:
                  connect: 30s
                """);
        assertEquals(Duration.ofMinutes(5), config.health().interval());
        assertEquals(Duration.ofMillis(500), config.health().timeout());
        assertEquals(Duration.ofHours(1), config.selection().failbackAfter());
        assertEquals(Duration.ofSeconds(30), config.timeouts().connect());
    }

    @Test
    void durationsParseAndFormat() {
        assertEquals(Duration.ofMillis(500), Durations.parse("k", "500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("k", "30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("k", "5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("k", "1h"));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("1h", Durations.format(Duration.ofHours(1)));
    }

    @Test
    void adminMustNotShareTheRegistryPort() {
        assertEquals("admin: '0.0.0.0:5080' is not valid, expected an address other than listen's 0.0.0.0:5080",
                error("listen: 0.0.0.0:5080\nadmin: 0.0.0.0:5080\n" + minimal("    url: http://a.example\n")));
    }

    @Test
    void badDurationsNameKeyValueAndExpectation() {
        for (String bad : List.of("30", "30 sec", "1d", "-5s", "1.5s", "s", "99999999999999999999s", "9999999999999999h", "169h", "99999999h")) {
            String message = error(minimal("    url: http://a.example\n") + "health:\n  interval: '" + bad + "'\n");
            assertEquals("health.interval: '" + bad + "' is not valid, expected a duration such as 500ms, 30s, 5m or 1h (at most 168h)",
                    message, bad);
        }
        assertEquals("selection.failbackAfter: '30' is not valid, expected a duration such as 500ms, 30s, 5m or 1h (at most 168h)",
                error(minimal("    url: http://a.example\n") + "selection:\n  failbackAfter: 30\n"));
        assertEquals("health.timeout: '0s' is not valid, expected a duration above zero",
                error(minimal("    url: http://a.example\n") + "health:\n  timeout: 0s\n"));
    }

    @Test
    void ratesParseAndTooLargeOnesAreConfigErrors() {
        assertEquals(500, ByteRates.parse("k", "500B/s"));
        assertEquals(32 * 1024, ByteRates.parse("k", "32KiB/s"));
        assertEquals(1 << 20, ByteRates.parse("k", "1MiB/s"));
        assertEquals(2L << 30, ByteRates.parse("k", "2GiB/s"));
        assertEquals("32KiB/s", ByteRates.format(32 * 1024));
        for (String bad : List.of("32KB/s", "fast", "99999999999999999999B/s", "9999999999999GiB/s")) {
            assertEquals("timeouts.minThroughput: '" + bad + "' is not valid, expected a rate such as 500B/s, 32KiB/s or 1MiB/s",
                    error(minimal("    url: http://a.example\n") + "timeouts:\n  minThroughput: " + bad + "\n"), bad);
        }
    }

    @Test
    void unknownTopLevelKey() {
        String message = error("listn: 0.0.0.0:5080\n" + minimal("    url: http://a.example\n"));
        // later sections may add keys at the end of the list
        assertTrue(message.startsWith("listn: unknown key, expected one of listen, admin, publicUrl, upstreams, health, selection, timeouts"),
                message);
    }

    @Test
    void unknownNestedKeys() {
        assertEquals("upstreams[0].prioriti: unknown key, expected one of name, url, priority, username, password, passwordFile",
                error(minimal("    url: http://a.example\n    prioriti: 1\n")));
        String health = error(minimal("    url: http://a.example\n") + "health:\n  intervall: 30s\n");
        assertEquals("health.intervall: unknown key, expected one of probe, interval, timeout, slowAfter, rise, fall, "
                + "deepEvery, throttleCooldown", health);
        String selection = error(minimal("    url: http://a.example\n") + "selection:\n  polcy: priority\n");
        assertTrue(selection.startsWith("selection.polcy: unknown key, expected one of policy, failbackAfter"), selection);
    }

    @Test
    void missingUpstreams() {
        assertEquals("upstreams: missing, expected a list of at least one upstream with name and url",
                error("listen: 0.0.0.0:5080\n"));
        assertEquals("upstreams: missing, expected a list of at least one upstream with name and url",
                error("upstreams: []\n"));
        assertEquals("upstreams: 'hub1' is not valid, expected a list", error("upstreams: hub1\n"));
    }

    @Test
    void missingUrlAndName() {
        assertEquals("upstreams[0].url: missing, expected an http:// or https:// URL with a host and no path, e.g. https://mirror.example",
                error(minimal("    priority: 1\n")));
        assertEquals("upstreams[1].name: missing, expected a short name such as hub1",
                error(minimal("    url: http://a.example\n") + "  - url: http://b.example\n"));
    }

    @Test
    void badUrls() {
        String expected = "expected an http:// or https:// URL with a host and no path, e.g. https://mirror.example";
        assertEquals("upstreams[0].url: 'ftp://mirror.example' is not valid, " + expected,
                error(minimal("    url: ftp://mirror.example\n")));
        assertEquals("upstreams[0].url: 'https://mirror.example/v2' is not valid, " + expected,
                error(minimal("    url: https://mirror.example/v2\n")));
        assertEquals("upstreams[0].url: 'https://mirror.example/' is not valid, " + expected + " (no trailing slash)",
                error(minimal("    url: https://mirror.example/\n")));
        assertEquals("upstreams[0].url: 'mirror.example' is not valid, " + expected,
                error(minimal("    url: mirror.example\n")));
        assertEquals("upstreams[0].url: 'https://******@mirror.example' is not valid, " + expected + "; credentials "
                        + "belong in username and password (or passwordFile), never in the URL",
                error(minimal("    url: https://user:pw@mirror.example\n")), "the password is not echoed");
        assertEquals("upstreams[0].url: 'http://127.0.0.1:99999' is not valid, " + expected + " (a port from 1 to 65535)",
                error(minimal("    url: http://127.0.0.1:99999\n")));
        assertEquals("publicUrl: 'http://cache.example/registry' is not valid, " + expected,
                error("publicUrl: http://cache.example/registry\n" + minimal("    url: http://a.example\n")));
    }

    @Test
    void duplicateNames() {
        assertEquals("upstreams[1].name: 'hub' is not valid, expected a name used by one upstream only",
                error("upstreams:\n  - {name: hub, url: http://a.example}\n  - {name: hub, url: http://b.example}\n"));
    }

    @Test
    void aMarginOfAHundredPercentOrMoreCouldNeverSwitch() {
        String expected = "expected a percentage from 0% to below 100%, such as 20% (or a fraction such as 0.2)";
        for (String bad : List.of("150%", "100%", "1", "1.5", "-5%")) {
            assertEquals("selection.margin: '" + bad + "' is not valid, " + expected,
                    error(minimal("    url: http://a.example\n") + "selection:\n  margin: " + bad + "\n"), bad);
        }
        assertEquals(0.99, loader.parse(minimal("    url: http://a.example\n") + "selection:\n  margin: 99%\n")
                .selection().margin(), 1e-9);
        assertEquals(0.0, loader.parse(minimal("    url: http://a.example\n") + "selection:\n  margin: 0%\n")
                .selection().margin());
    }

    @Test
    void aProbeIntervalBelowOneSecondIsRefused() {
        for (String bad : List.of("1ms", "999ms", "0s")) {
            assertEquals("health.interval: '" + bad + "' is not valid, expected a duration of at least 1s",
                    error(minimal("    url: http://a.example\n") + "health:\n  interval: " + bad + "\n"), bad);
        }
        assertEquals(Duration.ofSeconds(1), loader.parse(minimal("    url: http://a.example\n") + "health:\n  interval: 1000ms\n")
                .health().interval());
    }

    @Test
    void slowAfterMustBeBelowTheTimeout() {
        assertEquals("health.slowAfter: '30s' is not valid, expected a duration below health.timeout (30s): a round that "
                        + "reaches the timeout is stalled, never slow",
                error(minimal("    url: http://a.example\n") + "health:\n  slowAfter: 30s\n"));
        assertEquals("health.slowAfter: '10s' is not valid, expected a duration below health.timeout (5s): a round that "
                        + "reaches the timeout is stalled, never slow",
                error(minimal("    url: http://a.example\n") + "health:\n  timeout: 5s\n  slowAfter: 10s\n"));
        assertEquals("health.timeout: '3s' is not valid, expected a duration above health.slowAfter (5s by default), "
                        + "or a shorter slowAfter with it",
                error(minimal("    url: http://a.example\n") + "health:\n  timeout: 3s\n"));
        HealthConfig ok = loader.parse(minimal("    url: http://a.example\n") + "health:\n  timeout: 3s\n  slowAfter: 2s\n").health();
        assertEquals(Duration.ofSeconds(2), ok.slowAfter());
    }

    @Test
    void theSameMirrorTwiceIsRefusedUnlessLoggedInAsSomeoneElse() {
        String expected = "expected a URL used by one upstream only (upstream 'a' has it too; the same mirror twice needs "
                + "different usernames)";
        assertEquals("upstreams[1].url: 'https://mirror.example' is not valid, " + expected,
                error("upstreams:\n  - {name: a, url: https://mirror.example}\n  - {name: b, url: https://mirror.example}\n"));
        assertEquals("upstreams[1].url: 'https://MIRROR.example:443' is not valid, " + expected,
                error("upstreams:\n  - {name: a, url: https://mirror.example}\n  - {name: b, url: 'https://MIRROR.example:443'}\n"));
        assertEquals("upstreams[1].url: 'https://mirror.example' is not valid, " + expected,
                error("upstreams:\n  - {name: a, url: https://mirror.example, username: u, password: p}\n"
                        + "  - {name: b, url: https://mirror.example, username: u, password: q}\n"));

        MirrorswitchConfig twoAccounts = loader.parse("upstreams:\n"
                + "  - {name: a, url: https://mirror.example, username: one, password: p}\n"
                + "  - {name: b, url: https://mirror.example, username: two, password: q}\n"
                + "  - {name: c, url: https://mirror.example}\n"
                + "  - {name: d, url: http://mirror.example}\n");
        assertEquals(4, twoAccounts.upstreams().size());
    }

    @Test
    void duplicatePrioritiesAreAllowedAndTheListBreaksTies() {
        MirrorswitchConfig config = loader.parse("upstreams:\n  - {name: b, url: http://b.example, priority: 1}\n"
                + "  - {name: a, url: http://a.example, priority: 1}\n");
        assertEquals(List.of("b", "a"), config.upstreams().stream().map(UpstreamConfig::name).toList());
    }

    @Test
    void anEmptyPasswordIsRefused(@TempDir Path dir) throws Exception {
        assertEquals("upstreams[0].password: '' is not valid, expected a non-empty password",
                error(minimal("    url: http://a.example\n    username: u\n    password: \"\"\n")));
        assertEquals("upstreams[0].username: '' is not valid, expected a non-empty user name",
                error(minimal("    url: http://a.example\n    username: ''\n    password: p\n")));
        ConfigLoader emptyVariable = new ConfigLoader(Map.of("PW", ""));
        assertEquals("upstreams[0].password: '${PW}' is not valid, expected a non-empty password (the environment variable is empty)",
                assertThrows(ConfigException.class, () -> emptyVariable.parse(
                        minimal("    url: http://a.example\n    username: u\n    password: ${PW}\n"))).getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertEquals("upstreams[0].passwordFile: '" + empty + "' is not valid, expected a file holding the password (this one is empty)",
                error(minimal("    url: http://a.example\n    username: u\n    passwordFile: " + empty + "\n")));
    }

    @Test
    void credentialsYamlWouldReadAsNumbersOrBooleansMustBeQuoted() {
        assertEquals("upstreams[0].username: '83' is not valid, expected a user name in quotes (unquoted, YAML reads it "
                        + "as a number, not as text), e.g. username: '...'",
                error(minimal("    url: http://a.example\n    username: 0123\n    password: p\n")));
        String password = error(minimal("    url: http://a.example\n    username: u\n    password: 0123\n"));
        assertEquals("upstreams[0].password: '******' is not valid, expected a password in quotes (unquoted, YAML reads it "
                + "as a number, not as text), e.g. password: '...'", password);
        assertEquals("upstreams[0].password: '******' is not valid, expected a password in quotes (unquoted, YAML reads it "
                        + "as true or false, not as text), e.g. password: '...'",
                error(minimal("    url: http://a.example\n    username: u\n    password: yes\n")));

        MirrorswitchConfig quoted = loader.parse(minimal("    url: http://a.example\n    username: '0123'\n    password: 'yes'\n"));
        assertEquals(Optional.of("0123"), quoted.upstreams().get(0).username());
        assertEquals("yes", quoted.upstreams().get(0).password().orElseThrow().reveal());
        ConfigLoader fromEnv = new ConfigLoader(Map.of("U", "0123", "PW", "yes"));
        UpstreamConfig env = fromEnv.parse(minimal("    url: http://a.example\n    username: ${U}\n    password: ${PW}\n"))
                .upstreams().get(0);
        assertEquals(Optional.of("0123"), env.username(), "a variable's value is always text");
        assertEquals("yes", env.password().orElseThrow().reveal());
    }

    @Test
    void aLongNameIsToldTheLengthLimit() {
        String name = "a".repeat(300);
        assertEquals("upstreams[0].name: '" + name + "' is not valid, expected a name of at most 63 characters (this one has 300)",
                error("upstreams:\n  - name: " + name + "\n    url: http://a.example\n"));
        assertEquals("b".repeat(63), loader.parse("upstreams:\n  - name: " + "b".repeat(63) + "\n    url: http://a.example\n")
                .upstreams().get(0).name());
        assertEquals("upstreams[0].name: '-hub' is not valid, expected lower-case letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit",
                error("upstreams:\n  - name: '-hub'\n    url: http://a.example\n"));
    }

    @Test
    void missingEnvironmentVariable() {
        String message = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).parse(PINNED_EXAMPLE)).getMessage();
        assertEquals("upstreams[1].password: '${MIRROR_TWO_PASSWORD}' is not valid, expected environment variable "
                + "MIRROR_TWO_PASSWORD to be set", message);
    }

    @Test
    void environmentVariablesWorkInValuesOfEveryType() {
        ConfigLoader withEnv = new ConfigLoader(Map.of("IV", "7s", "RISE", "4", "PR", "3", "EN", "false", "PORT", "6000",
                "MARGIN", "35%", "RATE", "1MiB/s", "SIZE", "1GiB", "RETRIES", "2", "FETCHES", " 8 "));
        MirrorswitchConfig config = withEnv.parse("""
                listen: 127.0.0.1:${PORT}
                upstreams:
                  - name: one
                    url: http://a.example
                    priority: ${PR}
                health:
                  interval: ${IV}
                  rise: ${RISE}
                selection:
                  margin: ${MARGIN}
                timeouts:
                  minThroughput: ${RATE}
                failover:
                  tagNotFoundRetries: ${RETRIES}
                coalescing:
                  enabled: ${EN}
                  maxSpoolBytes: ${SIZE}
                  maxSharedFetches: ${FETCHES}
                """);

        assertEquals(new HostPort("127.0.0.1", 6000), config.listen());
        assertEquals(3, config.upstreams().get(0).priority());
        assertEquals(Duration.ofSeconds(7), config.health().interval());
        assertEquals(4, config.health().rise());
        assertEquals(0.35, config.selection().margin(), 1e-9);
        assertEquals(1 << 20, config.timeouts().minThroughputBytesPerSecond());
        assertEquals(2, config.failover().tagNotFoundRetries());
        assertFalse(config.coalescing().enabled());
        assertEquals(1L << 30, config.coalescing().maxSpoolBytes());
        assertEquals(8, config.coalescing().maxSharedFetches());
    }

    @Test
    void aSubstitutedValueIsCheckedLikeAWrittenOne() {
        ConfigLoader withEnv = new ConfigLoader(Map.of("RISE", "0", "EN", "maybe", "IV", "7", "PR", "first"));
        assertEquals("health.rise: '0' is not valid, expected a whole number of at least 1",
                assertThrows(ConfigException.class, () -> withEnv.parse(minimal("    url: http://a.example\n")
                        + "health:\n  rise: ${RISE}\n")).getMessage());
        assertEquals("coalescing.enabled: 'maybe' is not valid, expected true or false",
                assertThrows(ConfigException.class, () -> withEnv.parse(minimal("    url: http://a.example\n")
                        + "coalescing:\n  enabled: ${EN}\n")).getMessage());
        assertEquals("health.interval: '7' is not valid, expected a duration such as 500ms, 30s, 5m or 1h (at most 168h)",
                assertThrows(ConfigException.class, () -> withEnv.parse(minimal("    url: http://a.example\n")
                        + "health:\n  interval: ${IV}\n")).getMessage());
        assertEquals("upstreams[0].priority: 'first' is not valid, expected a whole number of at least 0",
                assertThrows(ConfigException.class, () -> withEnv.parse(minimal("    url: http://a.example\n")
                        + "    priority: ${PR}\n")).getMessage());
        assertEquals("health.rise: '${UNSET}' is not valid, expected environment variable UNSET to be set",
                assertThrows(ConfigException.class, () -> withEnv.parse(minimal("    url: http://a.example\n")
                        + "health:\n  rise: ${UNSET}\n")).getMessage());
    }

    @Test
    void numbersAndBooleansWrittenAsTextAreTheirValue() {
        MirrorswitchConfig config = loader.parse(minimal("    url: http://a.example\n    priority: '7'\n")
                + "health:\n  rise: '3'\ncoalescing:\n  enabled: 'false'\n");
        assertEquals(7, config.upstreams().get(0).priority());
        assertEquals(3, config.health().rise());
        assertFalse(config.coalescing().enabled());
    }

    @Test
    void environmentSubstitutionCannotChangeTheYamlStructure() {
        ConfigLoader sneaky = new ConfigLoader(Map.of("PW", "x\n  evil: true", "HOST", "a.example"));
        MirrorswitchConfig config = sneaky.parse(minimal("    url: http://${HOST}\n    username: u\n    password: ${PW}\n"));
        assertEquals("x\n  evil: true", config.upstreams().get(0).password().orElseThrow().reveal());
        assertEquals(URI.create("http://a.example"), config.upstreams().get(0).url());
    }

    @Test
    void usernameWithoutPasswordAndTheOtherWayRound() {
        assertEquals("upstreams[0].password: missing, expected username and password (or passwordFile) together",
                error(minimal("    url: http://a.example\n    username: someone\n")));
        assertEquals("upstreams[0].username: missing, expected username and password (or passwordFile) together",
                error(minimal("    url: http://a.example\n    password: pw\n")));
    }

    @Test
    void passwordFileIsReadAndStripped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, SECRET + "\n");
        MirrorswitchConfig config = loader.parse(minimal("    url: http://a.example\n    username: u\n    passwordFile: " + file + "\n"));
        assertEquals(SECRET, config.upstreams().get(0).password().orElseThrow().reveal());
        assertFalse(config.toString().contains(SECRET));
    }

    @Test
    void passwordFileProblems(@TempDir Path dir) {
        Path absent = dir.resolve("absent");
        assertEquals("upstreams[0].passwordFile: '" + absent + "' is not valid, expected a readable file holding the password",
                error(minimal("    url: http://a.example\n    username: u\n    passwordFile: " + absent + "\n")));
        assertEquals("upstreams[0].passwordFile: '" + absent + "' is not valid, expected either password or passwordFile, not both",
                error(minimal("    url: http://a.example\n    username: u\n    password: p\n    passwordFile: " + absent + "\n")));
    }

    @Test
    void invalidYamlIsOneLine() {
        String message = error("upstreams:\n  - name: a\n   url: [unclosed\n");
        assertTrue(message.startsWith("config: not valid YAML"), message);
        assertFalse(message.contains("\n"), message);
        assertTrue(message.contains("line 3"), "names where: " + message);
    }

    @Test
    void invalidYamlDoesNotEchoTheLineHoldingAPassword() {
        String message = error("upstreams:\n  - name: a\n    url: http://a.example\n    username: u\n    password: hunter2: x\n");
        assertTrue(message.startsWith("config: not valid YAML"), message);
        assertFalse(message.contains("hunter2"), message);
    }

    @Test
    void duplicateYamlKeysAreRefused() {
        String message = error("upstreams:\n  - name: a\n    url: http://a.example\n    url: http://b.example\n");
        assertTrue(message.startsWith("config: not valid YAML"), message);
        assertTrue(message.contains("url"), message);
    }

    @Test
    void nonMappingDocument() {
        assertEquals("config: 'just text' is not valid, expected a mapping with at least an 'upstreams' list", error("just text\n"));
    }

    @Test
    void anEmptyFileIsCalledEmpty() {
        String expected = "config: the file is empty (no settings in it), expected a mapping with at least an 'upstreams' list";
        assertEquals(expected, error(""));
        assertEquals(expected, error("# only a comment\n\n"));
    }

    @Test
    void otherValueErrorsNameKeyAndValue() {
        assertEquals("listen: '5080' is not valid, expected host:port, e.g. 0.0.0.0:5080",
                error("listen: '5080'\n" + minimal("    url: http://a.example\n")));
        assertEquals("admin: '0.0.0.0:70000' is not valid, expected host:port with a port from 0 to 65535, e.g. 0.0.0.0:5080",
                error("admin: 0.0.0.0:70000\n" + minimal("    url: http://a.example\n")));
        assertEquals("upstreams[0].priority: 'high' is not valid, expected a whole number of at least 0",
                error(minimal("    url: http://a.example\n    priority: high\n")));
        assertEquals("upstreams[0].name: 'Hub One' is not valid, expected lower-case letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit",
                error("upstreams:\n  - name: Hub One\n    url: http://a.example\n"));
        assertEquals("selection.policy: 'random' is not valid, expected priority or fastest",
                error(minimal("    url: http://a.example\n") + "selection:\n  policy: random\n"));
        assertEquals("health.probe: 'alpine' is not valid, expected an image name with a tag, e.g. library/alpine:3.19",
                error(minimal("    url: http://a.example\n") + "health:\n  probe: alpine\n"));
    }

    @Test
    void embeddedDefaultServesDockerHub() {
        MirrorswitchConfig config = new ConfigLoader(Map.of()).embeddedDefault();
        assertEquals(new HostPort("0.0.0.0", 5080), config.listen());
        assertEquals(new HostPort("0.0.0.0", 5081), config.admin());
        assertEquals(1, config.upstreams().size());
        assertEquals(URI.create("https://registry-1.docker.io"), config.upstreams().get(0).url());
        assertEquals("https://registry-1.docker.io", config.upstreams().get(0).origin());
        assertFalse(config.upstreams().get(0).hasCredentials());
    }

    @Test
    void loadNamesAnUnreadableFile(@TempDir Path dir) {
        Path absent = dir.resolve("nope.yaml");
        String message = assertThrows(ConfigException.class, () -> loader.load(absent)).getMessage();
        assertEquals(absent + ": cannot read config file (no such file)", message);
        assertEquals(absent + ": cannot read config file (no such file)",
                assertThrows(ConfigException.class, () -> ConfigLoader.read(absent)).getMessage(), "the one wording");
        assertEquals(dir + ": cannot read config file (it is a directory)",
                assertThrows(ConfigException.class, () -> loader.load(dir)).getMessage());
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, PINNED_EXAMPLE);
        assertEquals(loader.parse(PINNED_EXAMPLE), loader.load(file));
    }
}
