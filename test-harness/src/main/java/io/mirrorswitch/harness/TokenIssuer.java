package io.mirrorswitch.harness;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A docker-registry compatible token server ({@code auth.token}) built from the JDK alone: RS256 JWTs
 * signed by a fresh self-signed certificate that is sent in the {@code x5c} header and published as
 * {@link #rootCertBundle()}. Each instance has its own key, like two unrelated real upstreams.
 *
 * <p>Every request is recorded ({@link #requests()}) and logged to {@link #logFile()}.
 */
public final class TokenIssuer implements AutoCloseable {

    private final String service;
    private final String issuer;
    private final String username;
    private final String password;
    private final Set<String> grantableActions;
    private final Duration tokenLifetime;
    private final Path directory;
    private final Path logFile;
    private final SelfSignedCertificate certificate;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
    private volatile boolean loginWall;

    private TokenIssuer(Builder builder) {
        this.service = builder.service;
        this.issuer = builder.issuer;
        this.username = builder.username;
        this.password = builder.password;
        this.grantableActions = builder.grantPush ? Set.of("pull", "push") : Set.of("pull");
        this.tokenLifetime = builder.tokenLifetime;
        this.loginWall = builder.loginWall;
        this.directory = HarnessDirectories.newDirectory("token-issuer-" + service);
        this.logFile = directory.resolve("token-issuer.log");
        this.certificate = SelfSignedCertificate.generate(issuer, directory);
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind token issuer on 127.0.0.1", e);
        }
        // registry:2 fetches tokens for concurrent client requests; do not serialise them.
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "token-issuer-" + service);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", new TokenEndpoint(this, new JwtSigner(certificate)));
        server.start();
        log("listening at " + realm() + " service=" + service + " issuer=" + issuer
                + " credentials=" + (username != null) + " loginWall=" + loginWall);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The token endpoint, {@code http://127.0.0.1:<port>/token}, for {@code auth.token.realm}. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String service() {
        return service;
    }

    public String issuer() {
        return issuer;
    }

    /** PEM file holding the signing certificate, for {@code auth.token.rootcertbundle}. */
    public Path rootCertBundle() {
        return certificate.pemFile();
    }

    public Path logFile() {
        return logFile;
    }

    /** Whether anonymous token requests are refused; switchable while running. */
    public boolean loginWall() {
        return loginWall;
    }

    public void loginWall(boolean refuseAnonymous) {
        this.loginWall = refuseAnonymous;
        log("loginWall=" + refuseAnonymous);
    }

    /** How many token requests arrived (granted or not). */
    public int tokenRequests() {
        return requests.size();
    }

    /** Every request received so far, oldest first. */
    public List<TokenRequest> requests() {
        return List.copyOf(requests);
    }

    public TokenRequest lastRequest() {
        List<TokenRequest> snapshot = requests();
        if (snapshot.isEmpty()) {
            throw new IllegalStateException("no token request has reached " + realm() + " (log: " + logFile + ")");
        }
        return snapshot.get(snapshot.size() - 1);
    }

    /** The Authorization headers of all requests that carried one, oldest first. */
    public List<String> authorizationHeaders() {
        List<String> headers = new ArrayList<>();
        for (TokenRequest request : requests) {
            if (request.authorization() != null) {
                headers.add(request.authorization());
            }
        }
        return headers;
    }

    /** Every scope parameter received, oldest first. */
    public List<String> requestedScopes() {
        List<String> scopes = new ArrayList<>();
        requests.forEach(request -> scopes.addAll(request.scopes()));
        return scopes;
    }

    /** Forgets recorded requests, so a test can count only what follows. */
    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        log("stopped");
    }

    boolean acceptsCredentials(String user, String pass) {
        // Without configured credentials any presented user is accepted, as its name only becomes "sub".
        return username == null || (username.equals(user) && password.equals(pass));
    }

    Set<String> grantableActions() {
        return grantableActions;
    }

    Duration tokenLifetime() {
        return tokenLifetime;
    }

    void record(TokenRequest request) {
        requests.add(request);
        log(request.method() + " status=" + request.status() + " user=" + request.username()
                + " service=" + request.service() + " scopes=" + request.scopes());
    }

    synchronized void log(String line) {
        try {
            Files.writeString(logFile, Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // The log is a diagnostic aid; failing to write it must not fail a token request.
        }
    }

    @Override
    public String toString() {
        return "TokenIssuer[" + realm() + ", service=" + service + ", log=" + logFile + "]";
    }

    /** Options for a {@link TokenIssuer}; {@link #build()} starts it. */
    public static final class Builder {
        private String service = "registry";
        private String issuer = "mirrorswitch-test-issuer";
        private String username;
        private String password;
        private boolean loginWall;
        private boolean grantPush;
        private Duration tokenLifetime = Duration.ofSeconds(300);

        private Builder() {
        }

        /** The {@code aud} claim and the registry's {@code auth.token.service}. */
        public Builder service(String service) {
            this.service = Objects.requireNonNull(service);
            return this;
        }

        /** The {@code iss} claim, the certificate's CN and the registry's {@code auth.token.issuer}. */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer);
            return this;
        }

        /** Basic credentials that presented credentials must match; wrong ones get 401. */
        public Builder credentials(String username, String password) {
            this.username = Objects.requireNonNull(username);
            this.password = Objects.requireNonNull(password);
            return this;
        }

        /** Refuse anonymous token requests with 401 {@code {"details":"login required"}}. */
        public Builder loginWall(boolean refuseAnonymous) {
            this.loginWall = refuseAnonymous;
            return this;
        }

        /** Also grant {@code push} when it is requested (needed to push through token auth). */
        public Builder grantPush(boolean grantPush) {
            this.grantPush = grantPush;
            return this;
        }

        /** {@code expires_in} and the {@code exp} claim's distance from {@code iat}; default 300 s. */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = Objects.requireNonNull(lifetime);
            return this;
        }

        public TokenIssuer build() {
            return new TokenIssuer(this);
        }
    }
}
