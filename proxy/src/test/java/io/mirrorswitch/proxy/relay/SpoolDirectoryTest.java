package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spool files a killed process left behind are deleted by the next one; a live instance's files never are. */
class SpoolDirectoryTest {
    @TempDir
    Path root;

    @Test
    void whatADeadInstanceLeftIsSweptAtOpen() throws Exception {
        // A killed process: its lock file and spool files remain, but nobody holds the lock any more.
        Path deadDir = Files.createDirectories(root.resolve("instance-123"));
        Files.write(deadDir.resolve("blob-abc-1.spool"), new byte[1000]);
        Files.createFile(root.resolve("instance-123.lock"));
        Path unrelated = Files.writeString(root.resolve("notes.txt"), "not ours");

        try (SpoolDirectory spool = SpoolDirectory.open(root)) {
            assertFalse(Files.exists(deadDir));
            assertFalse(Files.exists(root.resolve("instance-123.lock")));
            assertTrue(Files.exists(unrelated), "only instance directories with a lock file are swept");
            assertTrue(Files.isDirectory(spool.path()));
            assertEquals(root, spool.path().getParent());
        }
    }

    @Test
    void aLiveInstanceKeepsItsFilesWhileAnotherOpensAndItsDirectoryGoesAtClose() throws Exception {
        SpoolDirectory first = SpoolDirectory.open(root);
        Path file = Files.write(first.path().resolve("blob-live.spool"), new byte[10]);
        try (SpoolDirectory second = SpoolDirectory.open(root)) {
            assertTrue(Files.exists(file), "the lock is held: the sweep left it alone");
            assertNotEquals(first.path(), second.path());
        }
        Files.delete(file); // its fetch is done with it
        first.close();
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(), left.toList(), "nothing left once every instance closed");
        }
    }

    @Test
    void aCleanCloseDeletesItsDirectoryWithTheFilesStillInIt() throws Exception {
        SpoolDirectory spool = SpoolDirectory.open(root);
        Path file = Files.write(spool.path().resolve("blob-cut-by-close.spool"), new byte[10]);
        try (java.nio.channels.FileChannel reader = java.nio.channels.FileChannel.open(file)) {
            spool.close();
            try (Stream<Path> left = Files.list(root)) {
                assertEquals(List.of(), left.toList(), "neither instance-*/ nor its .lock waits for the next start");
            }
            assertEquals(10, reader.size(), "a reader still holding the file keeps its data");
        }
    }
}
