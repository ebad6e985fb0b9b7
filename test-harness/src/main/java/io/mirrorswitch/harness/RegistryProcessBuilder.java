package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Chooses how a {@link RegistryProcess} runs. Modes combine: e.g. token auth on a seeded storage is a
 * realistic upstream; {@code proxyOf} makes the front registry:2 pull-through cache.
 */
public final class RegistryProcessBuilder {

    private String name = "registry";
    private int port;
    private Duration startTimeout = Duration.ofSeconds(15);
    private RegistryConfig.TokenAuth tokenAuth;
    private RegistryConfig.Proxy proxy;
    private Path seedStorage;

    RegistryProcessBuilder() {
    }

    /** A label for the working directory, to tell several registries' logs apart. */
    public RegistryProcessBuilder name(String name) {
        this.name = Objects.requireNonNull(name);
        return this;
    }

    /** A fixed port; by default a free ephemeral port is picked. */
    public RegistryProcessBuilder port(int port) {
        this.port = port;
        return this;
    }

    public RegistryProcessBuilder startTimeout(Duration timeout) {
        this.startTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    /** {@code auth.token} pointing at the issuer's realm, service, issuer name and certificate. */
    public RegistryProcessBuilder withTokenAuth(TokenIssuer issuer) {
        return withTokenAuth(issuer.realm(), issuer.service(), issuer.issuer(), issuer.rootCertBundle());
    }

    public RegistryProcessBuilder withTokenAuth(String realm, String service, String issuer, Path rootCertBundle) {
        this.tokenAuth = new RegistryConfig.TokenAuth(realm, service, issuer, rootCertBundle);
        return this;
    }

    /**
     * Pull-through cache of {@code remoteUrl} (no trailing slash: registry:2 would ping {@code //v2/}).
     * The remote must be listening before start(): registry:2 pings it while starting and exits if
     * the connection is refused.
     */
    public RegistryProcessBuilder proxyOf(String remoteUrl) {
        return proxyOf(remoteUrl, null, null);
    }

    /** As {@link #proxyOf(String)}, with credentials registry:2 sends to the remote's startup realms. */
    public RegistryProcessBuilder proxyOf(String remoteUrl, String username, String password) {
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("give both username and password, or neither");
        }
        this.proxy = new RegistryConfig.Proxy(Objects.requireNonNull(remoteUrl), username, password);
        return this;
    }

    /** Start from a copy of another (stopped) registry's storage directory. */
    public RegistryProcessBuilder seededFrom(Path storageDir) {
        this.seedStorage = Objects.requireNonNull(storageDir);
        return this;
    }

    /** Creates the directories, seed copy and config; the process is not started. */
    public RegistryProcess build() {
        int chosenPort = port != 0 ? port : Ports.free();
        Path workDir = HarnessDirectories.newDirectory(name + "-" + chosenPort);
        Path storageDir = workDir.resolve("storage");
        try {
            if (seedStorage != null) {
                StorageSeeder.copy(seedStorage, storageDir, workDir);
            } else {
                Files.createDirectories(storageDir);
            }
            Path configFile = workDir.resolve("config.yml");
            String secret = UUID.randomUUID().toString();
            Files.writeString(configFile,
                    RegistryConfig.render(chosenPort, storageDir, secret, tokenAuth, proxy),
                    StandardCharsets.UTF_8);
            return new RegistryProcess(chosenPort, workDir, storageDir, configFile, startTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare registry directory " + workDir, e);
        }
    }

    /** Builds and starts. */
    public RegistryProcess start() {
        return build().start();
    }
}
