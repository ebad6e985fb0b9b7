package io.mirrorswitch.proxy.relay;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's part of the spool directory: {@code instance-<id>/}, owned through an exclusive lock on
 * {@code instance-<id>.lock} beside it for as long as the process lives. Spool files are deleted as soon as their
 * fetch is done with them; what a killed process could not delete is found by its lock, which the kernel released
 * with the process: whoever opens the spool directory next takes such a lock and deletes that instance's files.
 * Several processes (and several relays in one test JVM) can share one spool directory safely. A clean close
 * deletes the instance's directory and lock file itself.
 */
final class SpoolDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolDirectory.class);
    private static final String PREFIX = "instance-";
    private static final String LOCK = ".lock";

    private final Path dir;
    private final Path lockFile;
    private final FileChannel lockChannel;

    private SpoolDirectory(Path dir, Path lockFile, FileChannel lockChannel) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
    }

    /** Sweeps what dead instances left in {@code root}, then takes a fresh instance directory in it. */
    static SpoolDirectory open(Path root) throws IOException {
        Files.createDirectories(root);
        sweep(root);
        while (true) {
            Path lockFile = Files.createTempFile(root, PREFIX, LOCK);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            try {
                channel.lock();
                // A sweep that took the lock first has deleted the file: that name is lost, take another.
                if (Files.exists(lockFile)) {
                    Path dir = Files.createDirectory(root.resolve(instanceName(lockFile)));
                    return new SpoolDirectory(dir, lockFile, channel);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            channel.close();
        }
    }

    Path path() {
        return dir;
    }

    /**
     * Deletes the instance directory with whatever is still in it, then its lock file (while still holding the lock,
     * as the sweep does), then gives up the lock. Files still there at a clean close belong to fetches the close is
     * cutting, and nobody else ever uses them: a reader or producer still holding one keeps its open file (it is only
     * unlinked), and deletes nothing but its own. Only a crash leaves anything for the next start to sweep.
     */
    @Override
    public void close() {
        try {
            long deleted = deleteTree(dir);
            Files.deleteIfExists(lockFile);
            if (deleted > 0) {
                LOG.info("deleted {} spool file(s) of shared fetches cut by the close in {}", deleted, dir);
            }
        } catch (IOException e) {
            LOG.warn("leaving {} for the next start to sweep: {}", dir, e.toString());
        } finally {
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.warn("cannot release {}: {}", lockFile, e.toString());
            }
        }
    }

    private static void sweep(Path root) throws IOException {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(root, PREFIX + "*" + LOCK)) {
            for (Path lockFile : locks) {
                sweepIfAbandoned(root, lockFile);
            }
        }
    }

    private static void sweepIfAbandoned(Path root, Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return; // held by a live process
            }
            Path dir = root.resolve(instanceName(lockFile));
            long deleted = deleteTree(dir);
            // Deleted while still locked, so an instance just creating this name sees it gone and picks another.
            Files.deleteIfExists(lockFile);
            if (deleted > 0) {
                LOG.info("deleted {} spool file(s) a stopped mirrorswitch left in {}", deleted, dir);
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM: alive
        } catch (NoSuchFileException e) {
            // swept by someone else meanwhile
        } catch (IOException e) {
            LOG.warn("cannot sweep {}: {}", lockFile, e.toString());
        }
    }

    /** Deletes {@code dir} and everything in it; the number of files deleted. */
    private static long deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long files = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    files++;
                }
                Files.deleteIfExists(p);
            }
        }
        return files;
    }

    private static String instanceName(Path lockFile) {
        String name = lockFile.getFileName().toString();
        return name.substring(0, name.length() - LOCK.length());
    }
}
