package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a registry's storage directory cheaply with {@code cp -al}, then un-shares every file
 * that the registry may rewrite.
 *
 * <p>Why not plain {@code cp -al}: distribution's filesystem driver writes small metadata files
 * (tag {@code link}s, layer links, upload state) by truncating and rewriting the existing file in
 * place. With hard links that rewrites the seed and every other copy too (seen here: pushing a new
 * manifest to a tag of a copy changed the seed's tag). Blob {@code data} files are content-addressed
 * and only ever created by rename, so they stay hard-linked and the copy stays cheap.
 */
final class StorageSeeder {

    private StorageSeeder() {
    }

    static void copy(Path seed, Path target, Path logDirectory) {
        if (!Files.isDirectory(seed)) {
            throw new HarnessException("seed storage " + seed + " is not a directory");
        }
        if (Files.exists(target)) {
            throw new HarnessException("seed target " + target + " already exists");
        }
        ExternalCommand.of("cp", "-al", seed.toString(), target.toString())
                .timeout(Duration.ofSeconds(60))
                .logsIn(logDirectory, "cp-seed")
                .run();
        try (Stream<Path> files = Files.walk(target)) {
            List<Path> shared = files
                    .filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().equals("data"))
                    .toList();
            for (Path file : shared) {
                unshare(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot un-share metadata files in " + target, e);
        }
    }

    /** Replaces a hard link by a private copy with the same content. */
    private static void unshare(Path file) throws IOException {
        Path copy = file.resolveSibling(file.getFileName() + ".harness-copy");
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
