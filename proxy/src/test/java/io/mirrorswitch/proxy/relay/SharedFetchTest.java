package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.CoalescingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One shared fetch with its producer and readers, upstream bodies fed by hand and clients as slow as each test
 * wants. No test waits for time to pass: the futures' timeouts only bound a hang.
 */
class SharedFetchTest {
    private static final int SIZE = 1 << 20;
    private static final byte[] BLOB = new byte[SIZE];
    private static final String DIGEST;

    static {
        new Random(42).nextBytes(BLOB);
        DIGEST = Digests.sha256(BLOB);
    }

    @TempDir
    Path spoolDir;
    private ExecutorService producers;
    private ExecutorService clients;
    private SharedBlobFetches fetches;
    private final RecordingFaults faults = new RecordingFaults();

    @BeforeEach
    void start() {
        producers = Executors.newCachedThreadPool();
        clients = Executors.newCachedThreadPool();
        fetches = new SharedBlobFetches(new CoalescingConfig(true, spoolDir, 1L << 30, 4), producers);
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.shutdownNow();
        fetches.close();
        assertTrue(producers.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void aSlowReaderDoesNotSlowAFastOne() throws Exception {
        SharedFetch fetch = lead(DIGEST);
        SharedFetch asFollower = follow(DIGEST);
        HandFedBody upstream = new HandFedBody();
        startProducer(fetch, upstream, BLOB.length, DIGEST, (offset, failed) -> null);

        TestReader slow = TestReader.gated();
        TestReader fast = TestReader.fast();
        CompletableFuture<Long> slowDone = slow.tail(asFollower, clients);
        CompletableFuture<Long> fastDone = fast.tail(fetch, clients);
        upstream.sendInPieces(BLOB, 0, SIZE).end();

        assertEquals(SIZE, fastDone.get(30, TimeUnit.SECONDS), "the fast reader finished while the slow one took no byte");
        assertArrayEquals(BLOB, fast.received());
        assertTrue(fast.closedCleanly());
        assertFalse(slowDone.isDone());
        assertEquals(0, slow.received().length);
        assertEquals(1, spoolFiles().size(), "the slow reader still has the spool to read");
        SharedBlobFetches.Role late = fetches.join(DIGEST);
        assertInstanceOf(SharedBlobFetches.Lead.class, late, "a completed fetch takes no new readers: a request "
                + "after completion is an ordinary one");
        abandon(((SharedBlobFetches.Lead) late).fetch());

        slow.allow(Integer.MAX_VALUE);
        assertEquals(SIZE, slowDone.get(30, TimeUnit.SECONDS));
        assertArrayEquals(BLOB, slow.received());
        assertTrue(slow.closedCleanly());
        awaitProducers();
        assertEquals(List.of(), spoolFiles(), "the spool file is deleted once the last reader is done");
        assertEquals(0, fetches.spoolBytes());
        assertEquals(0, fetches.inFlight());
        assertEquals(0, faults.interrupted.size());
    }

    @Test
    void aDigestMismatchEndsEveryReaderAbruptlyAndNoneGetsTheLastByte() throws Exception {
        byte[] flipped = BLOB.clone();
        flipped[1234] ^= 0x01;
        SharedFetch fetch = lead(DIGEST);
        SharedFetch asFollower = follow(DIGEST);
        HandFedBody upstream = new HandFedBody();
        startProducer(fetch, upstream, SIZE, DIGEST, (offset, failed) -> null);
        TestReader leader = TestReader.fast();
        TestReader follower = TestReader.fast();
        CompletableFuture<Long> leaderDone = leader.tail(fetch, clients);
        CompletableFuture<Long> followerDone = follower.tail(asFollower, clients);
        upstream.sendInPieces(flipped, 0, SIZE).end();

        for (TestReader reader : List.of(leader, follower)) {
            (reader == leader ? leaderDone : followerDone).get(30, TimeUnit.SECONDS);
            assertFalse(reader.closedCleanly(), "never a complete-looking response");
            assertNotNull(reader.abortReason());
            assertTrue(reader.abortReason().contains("hashed to"), reader.abortReason());
            assertTrue(reader.received().length < SIZE, "got " + reader.received().length + " bytes");
        }
        awaitProducers();
        assertEquals(List.of(Set.of("up")), faults.corrupt, "one report for the fetch, not one per reader");
        assertEquals(List.of(), spoolFiles());
        assertEquals(0, fetches.spoolBytes());
        assertTrue(upstream.isClosed());
    }

    @Test
    void theLastByteIsPublishedOnlyWhenTheFetchCompletes() throws Exception {
        SharedFetch fetch = lead(DIGEST);
        CountDownLatch producerMayEnd = new CountDownLatch(1);
        assertTrue(fetches.start(fetch, answer(SIZE), sink -> awaitQuietly(producerMayEnd)).isEmpty());
        // Written by the test in the producer's place: every byte, but no completion. Readers see all but the last.
        fetch.write(BLOB, 0, SIZE);
        assertEquals(SIZE - 1, fetch.awaitReadable(0));
        assertEquals(SIZE - 1, fetch.awaitReadable(SIZE - 2));
        producerMayEnd.countDown();
        awaitProducers(); // a producer that returns without completing has failed the fetch
        SharedFetch.Failed failed = assertThrows(SharedFetch.Failed.class, () -> fetch.awaitReadable(0));
        assertTrue(failed.getMessage().contains("without finishing"), failed.getMessage());
        fetch.leave();
        assertEquals(List.of(), spoolFiles());
    }

    @Test
    void aRequestArrivingMidFetchSharesItAndGetsTheWholeBlobFromTheStart() throws Exception {
        // Other clients of registry:2 asking for a blob it is still fetching come at any time, seconds later on a
        // slow link: they share the fetch however far it got (the spool has every byte from the start).
        SharedFetch fetch = lead(DIGEST);
        CountDownLatch producerMayEnd = new CountDownLatch(1);
        assertTrue(fetches.start(fetch, answer(SIZE), sink -> awaitQuietly(producerMayEnd)).isEmpty());
        TestReader leader = TestReader.fast();
        CompletableFuture<Long> leaderDone = leader.tail(fetch, clients);
        fetch.write(BLOB, 0, SIZE - 1000); // written by the test in the producer's place

        SharedFetch late = follow(DIGEST);
        TestReader follower = TestReader.fast();
        CompletableFuture<Long> followerDone = follower.tail(late, clients);
        fetch.write(BLOB, SIZE - 1000, 1000);
        fetch.complete();

        assertEquals(SIZE, leaderDone.get(30, TimeUnit.SECONDS));
        assertEquals(SIZE, followerDone.get(30, TimeUnit.SECONDS));
        assertArrayEquals(BLOB, follower.received());
        assertTrue(follower.closedCleanly());
        producerMayEnd.countDown();
        awaitProducers();
        assertEquals(List.of(), spoolFiles());
    }

    @Test
    void aCompletedFetchPublishesEveryByte() throws Exception {
        SharedFetch fetch = lead(DIGEST);
        assertTrue(fetches.start(fetch, answer(SIZE), sink -> {
            try {
                sink.write(BLOB, 0, SIZE);
                sink.complete();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).isEmpty());
        awaitProducers();
        assertEquals(SIZE, fetch.awaitReadable(SIZE - 1));
        fetch.leave();
        assertEquals(List.of(), spoolFiles());
    }

    @Test
    void aBreakIsResumedOnceForAllReaders() throws Exception {
        SharedFetch fetch = lead(DIGEST);
        SharedFetch asFollower = follow(DIGEST);
        HandFedBody first = new HandFedBody();
        HandFedBody rest = new HandFedBody();
        int half = SIZE / 2 + 17;
        List<Long> resumedAt = Collections.synchronizedList(new ArrayList<>());
        startProducer(fetch, first, SIZE, DIGEST, (offset, failed) -> {
            resumedAt.add(offset);
            return rest.upstreamBody("other", SIZE - offset);
        });
        TestReader leader = TestReader.fast();
        TestReader follower = TestReader.gated();
        CompletableFuture<Long> leaderDone = leader.tail(fetch, clients);
        CompletableFuture<Long> followerDone = follower.tail(asFollower, clients);
        first.sendInPieces(BLOB, 0, half).breakOff();
        rest.sendInPieces(BLOB, half, SIZE).end();
        follower.allow(Integer.MAX_VALUE);

        assertEquals(SIZE, leaderDone.get(30, TimeUnit.SECONDS));
        assertEquals(SIZE, followerDone.get(30, TimeUnit.SECONDS));
        assertArrayEquals(BLOB, leader.received());
        assertArrayEquals(BLOB, follower.received());
        assertEquals(List.of((long) half), resumedAt, "resumed with Range at the byte where the upstream broke");
        assertEquals(1, faults.interrupted.size(), "one passive health report for the fetch");
        awaitProducers();
        assertEquals(List.of(), spoolFiles());
    }

    @Test
    void whenNoUpstreamCanContinueEveryReaderEndsAbruptlyAndTheSpoolIsDeleted() throws Exception {
        SharedFetch fetch = lead(DIGEST);
        SharedFetch asFollower = follow(DIGEST);
        HandFedBody upstream = new HandFedBody();
        startProducer(fetch, upstream, SIZE, DIGEST, (offset, failed) -> null);
        TestReader leader = TestReader.fast();
        TestReader follower = TestReader.fast();
        CompletableFuture<Long> leaderDone = leader.tail(fetch, clients);
        CompletableFuture<Long> followerDone = follower.tail(asFollower, clients);
        upstream.sendInPieces(BLOB, 0, SIZE - 5).breakOff();

        leaderDone.get(30, TimeUnit.SECONDS);
        followerDone.get(30, TimeUnit.SECONDS);
        for (TestReader reader : List.of(leader, follower)) {
            assertFalse(reader.closedCleanly());
            assertTrue(reader.abortReason().contains("no upstream could continue"), reader.abortReason());
            assertTrue(reader.received().length <= SIZE - 5);
        }
        awaitProducers();
        assertEquals(List.of(), spoolFiles());
        assertEquals(0, fetches.spoolBytes());
    }

    @Test
    void whenEveryReaderWentAwayTheProducerStopsAndTheSpoolIsDeleted() throws Exception {
        SharedFetch fetch = lead(DIGEST);
        HandFedBody upstream = new HandFedBody();
        startProducer(fetch, upstream, SIZE, DIGEST, (offset, failed) -> null);
        TestReader gone = TestReader.gone();
        CompletableFuture<Long> goneDone = gone.tail(fetch, clients);
        upstream.send(BLOB, 0, 1000);
        goneDone.get(30, TimeUnit.SECONDS);
        assertTrue(gone.abortReason().contains("client went away"), gone.abortReason());

        upstream.send(BLOB, 1000, 2000); // the producer's next write finds nobody reading
        awaitProducers();
        assertTrue(upstream.isClosed(), "the upstream body was released, not read to the end");
        assertEquals(List.of(), spoolFiles());
        assertEquals(0, fetches.spoolBytes());
        assertEquals(0, fetches.inFlight());
    }

    @Test
    void aFollowerOfAFetchThatFailedBeforeItReadGoesItsOwnWay() throws Exception {
        SharedFetch fetch = lead(DIGEST);
        HandFedBody upstream = new HandFedBody();
        startProducer(fetch, upstream, SIZE, DIGEST, (offset, failed) -> null);
        SharedFetch asFollower = follow(DIGEST);
        upstream.breakOff();
        awaitProducers();
        assertNull(asFollower.awaitAnswer(), "nothing went out yet: it can still be served on its own");
        asFollower.leave();
        fetch.leave();
        assertEquals(List.of(), spoolFiles());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SharedFetch lead(String digest) {
        return assertInstanceOf(SharedBlobFetches.Lead.class, fetches.join(digest)).fetch();
    }

    private SharedFetch follow(String digest) {
        return assertInstanceOf(SharedBlobFetches.Follow.class, fetches.join(digest)).fetch();
    }

    private void abandon(SharedFetch fetch) {
        fetch.abandon(SharedFetch.Abandoned.UNSHAREABLE);
        fetch.leave();
    }

    private static SharedAnswer answer(long length) {
        return new SharedAnswer("up", Headers.of("Content-Type", "application/octet-stream", "Docker-Content-Digest", DIGEST), length);
    }

    private void startProducer(SharedFetch fetch, HandFedBody upstream, long length, String digest, BlobFetch.Resumer resumer) {
        UpstreamBody body = upstream.upstreamBody("up", length);
        assertTrue(fetches.start(fetch, answer(length),
                sink -> new BlobFetch(length, digest, 2).run(body, resumer, faults, sink)).isEmpty());
    }

    /** Every producer started so far has ended (its spool is released when readers are done too). */
    private void awaitProducers() throws InterruptedException {
        producers.shutdown();
        assertTrue(producers.awaitTermination(30, TimeUnit.SECONDS));
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.walk(spoolDir)) {
            return files.filter(f -> f.toString().endsWith(".spool")).toList();
        }
    }

    static final class RecordingFaults implements BlobFetch.Faults {
        final List<Attempt> interrupted = Collections.synchronizedList(new ArrayList<>());
        final List<Set<String>> corrupt = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void interrupted(Attempt attempt, long offset) {
            interrupted.add(attempt);
        }

        @Override
        public void corrupt(Set<String> upstreams, String detail) {
            corrupt.add(Set.copyOf(upstreams));
        }
    }
}
