package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The real client side: skopeo 1.9.3 pulling from and pushing to registries over plain HTTP.
 *
 * <p>Every call runs with {@code --insecure-policy} (no signature policy applies to test images),
 * {@code --retry-times 0} (a test must see the first failure, not a retried success), no credentials
 * (the front registry is anonymous, and no user auth file may leak in), a private {@code --tmpdir},
 * and a hard timeout after which the process is killed.
 */
public final class Skopeo {

    static final String BINARY = System.getProperty("mirrorswitch.harness.skopeoBinary", "skopeo");

    private Skopeo() {
    }

    /**
     * {@code skopeo copy docker://<hostPort>/<nameAndTag> dir:<outDir>}, then checks independently
     * that every digest-named file hashes to its name and that every blob the manifest names is there.
     */
    public static PullResult pull(String hostPort, String nameAndTag, Path outDir, Duration timeout) {
        Path workDir = HarnessDirectories.newDirectory("skopeo-pull");
        Instant started = Instant.now();
        command(workDir, "copy", "--src-tls-verify=false", "--src-no-creds", "--retry-times", "0",
                "docker://" + hostPort + "/" + nameAndTag, "dir:" + outDir)
                .timeout(timeout)
                .logsIn(workDir, "skopeo-copy")
                .run();
        Duration elapsed = Duration.between(started, Instant.now());
        return PulledImageVerifier.verify(outDir, elapsed);
    }

    /** The digest of the manifest a registry serves for a reference (sha256 of the raw bytes). */
    public static String inspectDigest(String hostPort, String nameAndTag, Duration timeout) {
        Path workDir = HarnessDirectories.newDirectory("skopeo-inspect");
        ExternalCommand.Result result = command(workDir, "inspect", "--raw", "--tls-verify=false", "--no-creds",
                "--retry-times", "0", "docker://" + hostPort + "/" + nameAndTag)
                .timeout(timeout)
                .logsIn(workDir, "skopeo-inspect")
                .run();
        try {
            return Sha256.digest(Files.readAllBytes(result.stdoutFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + result.stdoutFile(), e);
        }
    }

    /**
     * Pushes {@code oci:<layoutDir>:<tag>} with {@code --preserve-digests}, so skopeo fails rather than
     * silently converting the manifest, and returns the digest skopeo reports (via --digestfile).
     */
    static String push(Path layoutDir, String tag, String hostPort, String nameAndTag, Duration timeout) {
        Path workDir = HarnessDirectories.newDirectory("skopeo-push");
        Path digestFile = workDir.resolve("digest");
        command(workDir, "copy", "--dest-tls-verify=false", "--dest-no-creds", "--retry-times", "0",
                "--preserve-digests", "--digestfile", digestFile.toString(),
                "oci:" + layoutDir + ":" + tag, "docker://" + hostPort + "/" + nameAndTag)
                .timeout(timeout)
                .logsIn(workDir, "skopeo-copy")
                .run();
        try {
            return Files.readString(digestFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("skopeo wrote no digest file " + digestFile, e);
        }
    }

    private static ExternalCommand command(Path workDir, String... arguments) {
        Path tmp = workDir.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp, e);
        }
        List<String> command = new ArrayList<>(List.of(BINARY, "--insecure-policy", "--tmpdir", tmp.toString()));
        command.addAll(List.of(arguments));
        // TMPDIR as well: some code paths in containers/image ignore --tmpdir.
        return ExternalCommand.of(command).environment("TMPDIR", tmp.toString());
    }
}
