package io.mirrorswitch.proxy.cli;

import io.mirrorswitch.config.ConfigException;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.proxy.Mirrorswitch;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the sidecar: the registry port registry:2's proxy.remoteurl points at, and the admin port.",
                "Without --config it serves Docker Hub (https://registry-1.docker.io) on 0.0.0.0:5080, admin 0.0.0.0:5081."},
        footer = {"", "Examples:", "  mirrorswitch serve", "  mirrorswitch serve --config /etc/mirrorswitch/config.yaml"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: the embedded Docker Hub config)")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        MirrorswitchConfig effective;
        ConfigLoader loader = ConfigLoader.withSystemEnv();
        try {
            effective = config == null ? loader.embeddedDefault() : loader.load(config);
        } catch (ConfigException e) {
            System.err.println("mirrorswitch: " + e.getMessage());
            return 2;
        }
        Mirrorswitch running = Mirrorswitch.start(effective);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "mirrorswitch-shutdown"));
        stopped.await();
        return 0;
    }
}
