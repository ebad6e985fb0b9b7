package io.mirrorswitch.proxy.cli;

import io.mirrorswitch.config.ConfigException;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.proxy.Mirrorswitch;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Run the sidecar: the registry port that registry:2's proxy.remoteurl points at, and the admin port.",
                "",
                "Admin port: / (status page), /healthz, /readyz, /status, /metrics, POST /reload. Without --config it "
                        + "serves Docker Hub (https://registry-1.docker.io) on 0.0.0.0:5080, admin on 0.0.0.0:5081. "
                        + "With --config the file is watched: upstream, health and selection changes apply without a "
                        + "restart (so does POST /reload); an invalid file is refused and the running config stays.",
                "",
                "On SIGTERM it drains: /readyz turns 503 and new requests get 503 at once, requests in flight may "
                        + "finish for up to 25 s, then the rest is cut (give it 30 s before a SIGKILL).",
                ""},
        footer = {"", "Examples:",
                "  mirrorswitch serve",
                "  mirrorswitch serve --config /etc/mirrorswitch/config.yaml",
                "  # reload only when asked, not on file changes",
                "  mirrorswitch serve --config ./config.yaml --no-watch",
                "  curl -X POST http://127.0.0.1:5081/reload"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: the embedded Docker Hub config)")
    Path config;

    @Option(names = "--no-watch", description = "Do not watch the config file; reload only on POST /reload")
    boolean noWatch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ConfigLoader loader = ConfigLoader.withSystemEnv();
        Mirrorswitch running;
        try {
            if (config != null) {
                // Read once up front so an unreadable file gets the same one line as check-config and POST /reload.
                ConfigLoader.read(config);
            }
            running = config == null ? Mirrorswitch.start(loader.embeddedDefault())
                    : Mirrorswitch.start(config, loader, true, !noWatch);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("mirrorswitch: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("mirrorswitch: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("mirrorswitch: cannot start: " + rootCause(e));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.drainAndClose(Mirrorswitch.DRAIN_GRACE);
            stopped.countDown();
        }, "mirrorswitch-shutdown"));
        stopped.await();
        return 0;
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + cause + ")";
    }
}
