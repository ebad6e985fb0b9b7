package io.mirrorswitch.harness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a docker-registry actually sent, read from its own access log ({@code msg="response completed"} lines carry
 * {@code http.response.written}): the byte count of every response body, including those a client abandoned.
 */
final class RegistryLog {
    private static final Pattern WRITTEN = Pattern.compile("http\\.response\\.written=(\\d+)");
    private static final Pattern METHOD = Pattern.compile("http\\.request\\.method=(\\w+)");
    private static final Pattern URI = Pattern.compile("http\\.request\\.uri=\"?(\\S+?)\"? ");

    /** Totals over a stretch of the log. */
    record Totals(long bytes, int blobGets, int manifestRequests) {
    }

    private final Path file;

    RegistryLog(Path file) {
        this.file = file;
    }

    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Totals since(long offset) {
        long bytes = 0;
        int blobGets = 0;
        int manifests = 0;
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            ch.position(offset);
            String text = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (!line.contains("msg=\"response completed\"")) {
                    continue;
                }
                Matcher w = WRITTEN.matcher(line);
                if (w.find()) {
                    bytes += Long.parseLong(w.group(1));
                }
                Matcher m = METHOD.matcher(line);
                Matcher u = URI.matcher(line);
                if (m.find() && u.find()) {
                    if (m.group(1).equals("GET") && u.group(1).contains("/blobs/")) {
                        blobGets++;
                    }
                    if (u.group(1).contains("/manifests/")) {
                        manifests++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new Totals(bytes, blobGets, manifests);
    }
}
