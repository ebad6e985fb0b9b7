package io.mirrorswitch.proxy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.proxy.Mirrorswitch;
import io.mirrorswitch.proxy.cli.Main;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What can be checked here without Docker or a cluster: the compose and Kubernetes files parse and wire the right
 * ports, paths and endpoints together, and the Dockerfile's paths and commands match what the build produces and
 * what the command line accepts.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final String CONFIG_DIR = "/etc/mirrorswitch";
    private static final String CONFIG_FILE = CONFIG_DIR + "/config.yaml";
    private static final ConfigLoader LOADER = new ConfigLoader(Map.of());

    private static Object yaml(Path file) throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    }

    private static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
            if (doc != null) {
                out.add(map(doc));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new AssertionError("expected a mapping, got " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        if (!(o instanceof List<?>)) {
            throw new AssertionError("expected a list, got " + o);
        }
        return (List<Object>) o;
    }

    /** Follows a path of keys through nested mappings. */
    private static Object at(Object root, String... keys) {
        Object o = root;
        for (String key : keys) {
            o = map(o).get(key);
            if (o == null) {
                throw new AssertionError("missing " + String.join(".", keys) + " (at " + key + ")");
            }
        }
        return o;
    }

    private static Map<String, Object> named(List<Object> items, String name) {
        return items.stream().map(DeploymentFilesTest::map).filter(m -> name.equals(m.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("nothing named " + name + " in " + items));
    }

    // ---- docker compose ----

    @Test
    void composeStartsRegistryAfterAHealthyMirrorswitchAndPointsItThere() throws IOException {
        Object compose = yaml(DEPLOY.resolve("docker-compose.yml"));
        Map<String, Object> mirrorswitch = map(at(compose, "services", "mirrorswitch"));
        Map<String, Object> registry = map(at(compose, "services", "registry"));

        // The config directory is mounted where the image's CMD reads it, and holds a valid config.
        String mount = (String) list(mirrorswitch.get("volumes")).get(0);
        String[] parts = mount.split(":");
        assertEquals(CONFIG_DIR, parts[1], "the directory is mounted, so edits reach the file watcher");
        MirrorswitchConfig config = LOADER.load(DEPLOY.resolve(parts[0]).resolve("config.yaml"));

        URI remote = URI.create((String) at(registry, "environment", "REGISTRY_PROXY_REMOTEURL"));
        assertEquals("mirrorswitch", remote.getHost(), "registry:2 reaches mirrorswitch by its service name");
        assertEquals(config.listen().port(), remote.getPort(), "...on the port mirrorswitch listens on");
        assertEquals("", remote.getRawPath(), "no path and no trailing slash in remoteurl");
        assertEquals("service_healthy", at(registry, "depends_on", "mirrorswitch", "condition"),
                "registry:2 panics when its remoteurl does not answer at start: mirrorswitch must be healthy first");
        assertTrue(list(registry.get("volumes")).contains("./registry-cache:/var/lib/registry"));

        String healthcheck = String.join(" ", list(at(mirrorswitch, "healthcheck", "test")).stream().map(String::valueOf).toList());
        assertHealthzOn(healthcheck, config.admin().port());
        assertTrue(list(mirrorswitch.get("ports")).contains(config.admin().port() + ":" + config.admin().port()));
        assertTrue(Files.isRegularFile(DEPLOY.resolve((String) mirrorswitch.get("build")).resolve("Dockerfile")),
                "build context holds the Dockerfile");

        Duration stopGrace = composeDuration(String.valueOf(at(mirrorswitch, "stop_grace_period")));
        assertTrue(stopGrace.compareTo(Duration.ofSeconds(30)) >= 0 && stopGrace.compareTo(longestShutdown()) > 0,
                "docker stop must not SIGKILL mirrorswitch before its drain and close are over (Docker's default is 10 s): "
                        + stopGrace);
    }

    /** SIGTERM to exit: the drain, then the bounded close. */
    private static Duration longestShutdown() {
        return Mirrorswitch.DRAIN_GRACE.plus(Mirrorswitch.CLOSE_WAIT);
    }

    /** Compose's duration format as this file uses it: {@code 30s}, {@code 1m30s}, {@code 500ms}. */
    private static Duration composeDuration(String text) {
        Matcher part = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = part.end();
        }
        assertEquals(text.length(), end, "a compose duration: " + text);
        return total;
    }

    // ---- Kubernetes ----

    @Test
    void kubernetesPodWiresRegistryToItsMirrorswitchSidecarWithProbesOnTheAdminEndpoints() throws IOException {
        Path dir = DEPLOY.resolve("kubernetes");
        List<String> resources = list(at(yaml(dir.resolve("kustomization.yaml")), "resources")).stream().map(String::valueOf).toList();
        Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
        for (String file : resources) {
            for (Map<String, Object> doc : yamlDocuments(dir.resolve(file))) {
                byKind.put((String) doc.get("kind"), doc);
            }
        }
        assertEquals(Set.of("ConfigMap", "Deployment", "Service"), byKind.keySet());

        Map<String, Object> configMap = byKind.get("ConfigMap");
        MirrorswitchConfig config = LOADER.parse((String) at(configMap, "data", "config.yaml"));
        int listen = config.listen().port();
        int admin = config.admin().port();

        Map<String, Object> pod = map(at(byKind.get("Deployment"), "spec", "template"));
        Map<String, Object> spec = map(pod.get("spec"));
        int terminationGrace = (Integer) at(spec, "terminationGracePeriodSeconds");
        assertTrue(terminationGrace >= 30 && Duration.ofSeconds(terminationGrace).compareTo(longestShutdown()) > 0,
                "the kubelet must not SIGKILL mirrorswitch before its drain and close are over: " + terminationGrace + " s");
        Map<String, Object> sidecar = named(list(spec.get("initContainers")), "mirrorswitch");
        assertEquals("Always", sidecar.get("restartPolicy"), "a native sidecar: started before registry:2, kept running");
        assertEquals(List.of("serve", "--config", CONFIG_FILE), sidecar.get("args"));
        Map<String, Object> configMount = named(list(sidecar.get("volumeMounts")), "config");
        assertEquals(CONFIG_DIR, configMount.get("mountPath"));
        assertFalse(configMount.containsKey("subPath"), "a subPath mount never sees ConfigMap updates");
        assertEquals(at(configMap, "metadata", "name"), at(named(list(spec.get("volumes")), "config"), "configMap", "name"));

        Map<String, Integer> sidecarPorts = ports(sidecar);
        assertEquals(admin, sidecarPorts.get("admin"));
        assertProbe(sidecar, "livenessProbe", "/healthz", admin, sidecarPorts);
        assertProbe(sidecar, "startupProbe", "/healthz", admin, sidecarPorts);
        assertProbe(sidecar, "readinessProbe", "/readyz", admin, sidecarPorts);
        assertEquals(String.valueOf(admin), at(pod, "metadata", "annotations", "prometheus.io/port"));
        assertEquals("/metrics", at(pod, "metadata", "annotations", "prometheus.io/path"));

        Map<String, Object> registry = named(list(spec.get("containers")), "registry");
        assertTrue(String.valueOf(registry.get("image")).startsWith("registry:2"));
        String remote = (String) named(list(registry.get("env")), "REGISTRY_PROXY_REMOTEURL").get("value");
        assertEquals("http://127.0.0.1:" + listen, remote, "registry:2 talks to the sidecar over the pod's loopback");
        assertEquals("/var/lib/registry", named(list(registry.get("volumeMounts")), "cache").get("mountPath"));

        Map<String, Object> service = byKind.get("Service");
        assertEquals(at(byKind.get("Deployment"), "spec", "selector", "matchLabels"), at(service, "spec", "selector"));
        Map<String, Object> servicePort = map(list(at(service, "spec", "ports")).get(0));
        Object target = servicePort.get("targetPort");
        assertEquals(5000, target instanceof String name ? ports(registry).get(name) : target, "the Service reaches registry:2");
        assertTrue(map(pod.get("metadata")).get("labels").equals(at(service, "spec", "selector")));
    }

    private static Map<String, Integer> ports(Map<String, Object> container) {
        return list(container.get("ports")).stream().map(DeploymentFilesTest::map)
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> (Integer) p.get("containerPort")));
    }

    private static void assertProbe(Map<String, Object> container, String probe, String path, int port, Map<String, Integer> ports) {
        Map<String, Object> http = map(at(container, probe, "httpGet"));
        assertEquals(path, http.get("path"), probe);
        Object p = http.get("port");
        assertEquals(port, p instanceof String name ? ports.get(name) : p, probe + " port");
    }

    // ---- Dockerfile ----

    @Test
    void dockerfileMatchesTheBuildOutputAndTheCommandLine() throws IOException {
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));
        List<Dockerfile.Instruction> froms = dockerfile.all("FROM");
        assertEquals(2, froms.size(), "multi-stage: build, then runtime");
        assertTrue(froms.get(0).arguments().startsWith("maven:") && froms.get(0).arguments().endsWith(" AS build"));
        assertTrue(froms.get(1).arguments().contains("jre"), "a JRE runtime image: " + froms.get(1));

        // Every module of the reactor is in the build context, and every COPY source exists.
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
        List<String> copied = new ArrayList<>();
        for (Dockerfile.Instruction copy : dockerfile.all("COPY")) {
            if (!copy.arguments().startsWith("--from")) {
                String source = copy.arguments().split("\\s+")[0];
                assertTrue(Files.exists(ROOT.resolve(source)), "COPY source exists: " + source);
                copied.add(source);
            }
        }
        while (module.find()) {
            assertTrue(copied.contains(module.group(1)), "module " + module.group(1) + " is copied into the build stage");
        }

        // The jar the build stage produces is the one the runtime runs.
        String finalName = between(Files.readString(ROOT.resolve("proxy/pom.xml")), "<finalName>", "</finalName>");
        String workdir = dockerfile.last("WORKDIR").arguments();
        Dockerfile runtime = dockerfile.lastStage();
        String[] jarCopy = runtime.all("COPY").stream().filter(c -> c.arguments().startsWith("--from=build"))
                .findFirst().orElseThrow().arguments().split("\\s+");
        assertEquals(workdir + "/proxy/target/" + finalName + ".jar", jarCopy[1]);
        List<String> entrypoint = jsonArray(runtime.last("ENTRYPOINT").arguments());
        assertEquals(jarCopy[2], entrypoint.get(entrypoint.indexOf("-jar") + 1));

        // The command is one the command line accepts, reading the config the image ships at the documented path.
        List<String> cmd = jsonArray(runtime.last("CMD").arguments());
        assertEquals(List.of("serve", "--config", CONFIG_FILE), cmd);
        Main.commandLine().parseArgs(cmd.toArray(String[]::new));
        String[] configCopy = runtime.all("COPY").stream().filter(c -> c.arguments().endsWith(" " + CONFIG_FILE))
                .findFirst().orElseThrow(() -> new AssertionError("no COPY to " + CONFIG_FILE)).arguments().split("\\s+");
        MirrorswitchConfig shipped = LOADER.load(ROOT.resolve(configCopy[0]));

        Set<String> exposed = Set.of(runtime.last("EXPOSE").arguments().split("\\s+"));
        assertEquals(Set.of(String.valueOf(shipped.listen().port()), String.valueOf(shipped.admin().port())), exposed);
        assertEquals(Set.of("5080", "5081"), exposed);
        assertHealthzOn(runtime.last("HEALTHCHECK").arguments(), shipped.admin().port());
        String user = runtime.last("USER").arguments();
        assertFalse(user.equals("root") || user.equals("0"), "runs as a non-root user");
    }

    private static void assertHealthzOn(String command, int adminPort) {
        assertTrue(command.contains("/healthz"), "health check asks /healthz: " + command);
        assertTrue(command.contains("/" + adminPort + " ") || command.contains(":" + adminPort + "/"),
                "health check uses the admin port " + adminPort + ": " + command);
    }

    private static List<String> jsonArray(String text) throws IOException {
        return List.of(new ObjectMapper().readValue(text, String[].class));
    }

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open);
        assertTrue(start >= 0, "no " + open);
        return text.substring(start + open.length(), text.indexOf(close, start)).strip();
    }
}
