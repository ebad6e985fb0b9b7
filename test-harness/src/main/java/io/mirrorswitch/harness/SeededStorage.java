package io.mirrorswitch.harness;

import java.nio.file.Path;
import java.util.Map;

/**
 * A stopped registry's storage directory holding known images, to seed upstreams from.
 *
 * @param storageDir for {@link RegistryProcessBuilder#seededFrom(Path)}; never start a registry on it
 *                   directly, copies keep it pristine
 * @param images     the pushed images by reference ({@code name:tag})
 */
public record SeededStorage(Path storageDir, Map<String, OciImage> images) {

    public SeededStorage {
        images = Map.copyOf(images);
    }

    /** The image pushed as {@code nameAndTag}, e.g. {@link SeedStore#ALPINE}. */
    public OciImage image(String nameAndTag) {
        OciImage image = images.get(nameAndTag);
        if (image == null) {
            throw new IllegalArgumentException("no seeded image " + nameAndTag + "; have " + images.keySet());
        }
        return image;
    }
}
