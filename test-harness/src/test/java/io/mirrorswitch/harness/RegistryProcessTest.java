package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle and storage behaviour of a plain docker-registry process. */
class RegistryProcessTest {

    @TempDir
    Path tmp;

    @Test
    void restartComesBackOnTheSameUrlWithTheSameContent() throws Exception {
        SeededStorage seed = SeedStore.shared();
        try (RegistryProcess registry = RegistryProcess.builder().seededFrom(seed.storageDir()).start()) {
            String url = registry.url();
            assertTrue(registry.isRunning());

            registry.stop();
            assertFalse(registry.isRunning());
            assertThrows(ConnectException.class, () -> RegistryHttp.getManifest(url, "library/busybox", "latest", null));

            registry.start();
            assertEquals(url, registry.url());
            HttpResponse<byte[]> response = RegistryHttp.getManifest(url, "library/busybox", "latest", null);
            assertEquals(200, response.statusCode());
            assertEquals(seed.image(SeedStore.BUSYBOX).manifestDigest(), Sha256.digest(response.body()));
        }
    }

    @Test
    void writesToASeededCopyDoNotReachTheSeed() throws Exception {
        SeededStorage seed = SeedStore.shared();
        Path seedTagLink = tagLink(seed.storageDir(), "library/alpine", "3.19");
        String before = Files.readString(seedTagLink);
        OciImage replacement = OciImage.builder().layers(1, 1024).seed(99).build(tmp.resolve("replacement"));

        try (RegistryProcess copy = RegistryProcess.builder().seededFrom(seed.storageDir()).start()) {
            replacement.pushTo(copy.hostPort(), SeedStore.ALPINE);
            HttpResponse<byte[]> served = RegistryHttp.getManifest(copy.url(), "library/alpine", "3.19", null);
            assertEquals(replacement.manifestDigest(), Sha256.digest(served.body()));
        }

        assertEquals(before, Files.readString(seedTagLink));
        assertEquals(seed.image(SeedStore.ALPINE).manifestDigest(), before.trim());
    }

    @Test
    void startFailureNamesTheLogFile() throws IOException {
        try (RegistryProcess holder = RegistryProcess.startPlain()) {
            // A second registry on a taken port exits at once with "address already in use".
            RegistryProcess clash = RegistryProcess.builder().port(holder.port()).build();
            HarnessException failure = assertThrows(HarnessException.class, clash::start);
            assertTrue(failure.getMessage().contains(clash.logFile().toString()), failure.getMessage());
            assertTrue(failure.getMessage().contains("address already in use"), failure.getMessage());
        }
    }

    private static Path tagLink(Path storage, String name, String tag) {
        return storage.resolve("docker/registry/v2/repositories").resolve(name)
                .resolve("_manifests/tags").resolve(tag).resolve("current/link");
    }
}
