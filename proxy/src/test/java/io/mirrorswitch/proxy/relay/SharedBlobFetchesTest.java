package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.CoalescingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who leads, who follows, and the caps that make a request stream on its own. */
class SharedBlobFetchesTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);

    @TempDir
    Path spoolDir;
    private final ExecutorService producers = Executors.newCachedThreadPool();
    private SharedBlobFetches fetches;

    @AfterEach
    void stop() throws InterruptedException {
        fetches.close();
        assertTrue(producers.awaitTermination(10, TimeUnit.SECONDS));
    }

    private SharedBlobFetches fetches(long maxSpoolBytes, int maxSharedFetches) {
        fetches = new SharedBlobFetches(new CoalescingConfig(true, spoolDir, maxSpoolBytes, maxSharedFetches), producers);
        return fetches;
    }

    @Test
    void theFirstRequestLeadsAndTheOthersFollowTheSameFetch() {
        fetches(1 << 20, 4);
        SharedFetch lead = assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(A)).fetch();
        SharedFetch follower = assertInstanceOf(SharedBlobFetches.Follow.class, fetches.join(A)).fetch();
        assertSame(lead, follower);
        assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(B), "another digest is another fetch");
        assertEquals(2, fetches.inFlight());
    }

    @Test
    void overTheSharedFetchCapARequestGoesAloneButMayStillJoin() {
        fetches(1 << 20, 1);
        SharedFetch lead = assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(A)).fetch();
        assertEquals(new SharedBlobFetches.Alone(CoalescingCap.SHARED_FETCHES), fetches.join(B));
        assertInstanceOf(SharedBlobFetches.Follow.class, fetches.join(A), "joining a fetch in flight costs no slot");

        lead.abandon(SharedFetch.Abandoned.UNSHAREABLE);
        assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(B), "an abandoned fetch gave its slot back");
    }

    @Test
    void aBlobOverTheSpoolCapIsNotSharedAndItsFollowersAreToldWhy() throws IOException {
        fetches(1000, 4);
        SharedFetch lead = assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(A)).fetch();
        SharedFetch follower = assertInstanceOf(SharedBlobFetches.Follow.class, fetches.join(A)).fetch();

        assertEquals(Optional.of(CoalescingCap.SPOOL_BYTES), fetches.start(lead, answer(A, 1001), sink -> { }));
        assertNull(follower.awaitAnswer());
        assertEquals(CoalescingCap.SPOOL_BYTES, follower.abandoned().cap());
        assertEquals(0, fetches.spoolBytes());
        assertEquals(0, fetches.inFlight());
        assertEquals(List.of(), spoolFiles());
    }

    @Test
    void spoolSpaceIsReservedAtFullLengthAndFreedWhenTheFileIsGone() throws Exception {
        fetches(1000, 4);
        SharedFetch first = assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(A)).fetch();
        assertEquals(Optional.empty(), fetches.start(first, answer(A, 600), sink -> sink.fail("test")));
        assertEquals(600, fetches.spoolBytes());
        SharedFetch second = assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(B)).fetch();
        assertEquals(Optional.of(CoalescingCap.SPOOL_BYTES), fetches.start(second, answer(B, 600), sink -> { }));

        producers.shutdown();
        assertTrue(producers.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(600, fetches.spoolBytes(), "the leader still holds the spool");
        first.leave();
        assertEquals(0, fetches.spoolBytes());
        assertEquals(List.of(), spoolFiles());
    }

    @Test
    void aSpoolDirectoryThatCannotTakeFilesMakesRequestsStreamAlone() throws IOException {
        Path notADirectory = Files.writeString(spoolDir.resolve("file"), "x");
        fetches = new SharedBlobFetches(new CoalescingConfig(true, notADirectory.resolve("spool"), 1 << 20, 4), producers);
        SharedFetch lead = assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(A)).fetch();
        assertEquals(Optional.of(CoalescingCap.SPOOL_UNAVAILABLE), fetches.start(lead, answer(A, 10), sink -> { }));
        assertEquals(0, fetches.spoolBytes());
        assertEquals(0, fetches.inFlight());
    }

    @Test
    void disabledSharesNothing() {
        fetches = new SharedBlobFetches(new CoalescingConfig(false, spoolDir, 1 << 20, 4), producers);
        assertEquals(new SharedBlobFetches.Alone(null), fetches.join(A));
        assertEquals(new SharedBlobFetches.Alone(null), fetches.join(A));
        assertEquals(0, fetches.inFlight());
    }

    @Test
    void afterCloseNothingNewIsShared() {
        fetches(1 << 20, 4);
        fetches.close();
        assertEquals(new SharedBlobFetches.Alone(null), fetches.join(C));
    }

    @Test
    void closeDeletesTheSpoolDirectoryWhileAFetchIsStillRunning() throws Exception {
        fetches(1 << 20, 4);
        SharedFetch lead = assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(A)).fetch();
        CountDownLatch never = new CountDownLatch(1);
        assertEquals(Optional.empty(), fetches.start(lead, answer(A, 100), sink -> {
            try {
                never.await(); // an upstream that is still sending; close() interrupts it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertEquals(1, spoolFiles().size());

        fetches.close(); // the leader is still reading: its spool file is still there

        try (Stream<Path> left = Files.list(spoolDir)) {
            assertEquals(List.of(), left.toList(), "the instance directory and its .lock are gone");
        }
        assertTrue(producers.awaitTermination(10, TimeUnit.SECONDS)); // the interrupted producer has ended
        lead.leave();
        assertEquals(0, fetches.spoolBytes(), "the last of producer and readers frees the reservation");
    }

    private static SharedAnswer answer(String digest, long length) {
        return new SharedAnswer("up", Headers.of("Docker-Content-Digest", digest), length);
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.walk(spoolDir)) {
            return files.filter(f -> f.toString().endsWith(".spool")).toList();
        }
    }
}
