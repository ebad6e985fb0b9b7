package io.mirrorswitch.proxy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The log lines written while it is open. slf4j-simple writes every line to whatever {@code System.out} is at that
 * moment (see simplelogger.properties), so teeing {@code System.out} catches them; the console still gets it all.
 */
public final class CapturedLog implements AutoCloseable {
    private final PrintStream original = System.out;
    private final StringBuilder text = new StringBuilder();

    public CapturedLog() {
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (text) {
                    text.append(new String(bytes, offset, length, StandardCharsets.UTF_8));
                    text.notifyAll();
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** The first line that satisfies {@code condition}, waiting for it to be written for at most {@code within}. */
    public String await(Predicate<String> condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (text) {
            while (true) {
                Optional<String> line = text.toString().lines().filter(condition).findFirst();
                if (line.isPresent()) {
                    return line.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such log line within " + within.toMillis() + " ms; logged:\n" + text);
                }
                TimeUnit.NANOSECONDS.timedWait(text, left);
            }
        }
    }

    /** Everything logged so far. */
    public String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    @Override
    public void close() {
        System.setOut(original);
    }
}
