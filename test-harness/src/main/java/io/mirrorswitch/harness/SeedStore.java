package io.mirrorswitch.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds, once per JVM, a registry storage with a few small distinct images, so that every test can
 * start seeded upstreams by hard-link copy instead of pushing again.
 */
public final class SeedStore {

    /** Two layers, like a small base image. */
    public static final String ALPINE = "library/alpine:3.19";
    public static final String BUSYBOX = "library/busybox:latest";
    /** Outside {@code library/}, for tests of non-Docker-Hub-style names. */
    public static final String APP = "team/app:v1";

    private static SeededStorage shared;

    private SeedStore() {
    }

    /** The shared seed, built on first use (about half a megabyte; takes a second or two). */
    public static synchronized SeededStorage shared() {
        if (shared == null) {
            shared = build();
        }
        return shared;
    }

    private static SeededStorage build() {
        Path imagesDir = HarnessDirectories.newDirectory("seed-images");
        Map<String, OciImage> images = new LinkedHashMap<>();
        images.put(ALPINE, OciImage.builder().layers(2, 96 * 1024).seed(319).build(imagesDir.resolve("alpine")));
        images.put(BUSYBOX, OciImage.builder().layers(1, 128 * 1024).seed(1036).build(imagesDir.resolve("busybox")));
        images.put(APP, OciImage.builder().layers(3, 48 * 1024).seed(4242).build(imagesDir.resolve("app")));
        RegistryProcess registry = RegistryProcess.builder().name("seed").start();
        try {
            images.forEach((reference, image) -> image.pushTo(registry.hostPort(), reference));
        } finally {
            // Stopped, not deleted: the storage directory is what the seed is.
            registry.stop();
        }
        return new SeededStorage(registry.storageDir(), images);
    }
}
