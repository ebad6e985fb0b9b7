package io.mirrorswitch.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.health.Outcome;
import io.mirrorswitch.health.ProbeEvidence;
import io.mirrorswitch.health.ProbeResult;
import io.mirrorswitch.health.UpstreamProbe;
import io.mirrorswitch.upstream.UpstreamClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class ProbeProgressTest {
    private static final int MIRRORS = 8;
    private static final Pattern COUNT = Pattern.compile("^\\[(\\d+)/" + MIRRORS + "] ");

    /**
     * Every mirror finishes while the progress output is busy (the test holds the writer's lock, as a slow
     * terminal would): whichever of them gets to print first, the counts must come out 1, 2, 3, ... in order.
     */
    @Test
    void countsComeOutInOrderHoweverTheMirrorsFinish() throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter err = new PrintWriter(text);
        OkHttpClient http = new OkHttpClient();
        UpstreamProbe instant = (client, deep) -> ProbeResult.failed(client.upstream().name(), Outcome.DOWN,
                Instant.EPOCH, Duration.ofMillis(1), "connect refused", ProbeEvidence.NONE);
        List<Thread> finishing = new ArrayList<>();
        try (ProbeProgress progress = new ProbeProgress(err, MIRRORS)) {
            UpstreamProbe reported = progress.around(instant, Function.identity());
            synchronized (err) {
                for (int i = 0; i < MIRRORS; i++) {
                    UpstreamClient client = new UpstreamClient(new UpstreamConfig("m" + i,
                            URI.create("http://m" + i + ".invalid"), i, Optional.empty(), Optional.empty()), http);
                    Thread t = new Thread(() -> reported.probe(client, true), "mirror-" + i);
                    t.start();
                    finishing.add(t);
                    // Each mirror is finished and waiting for the output before the next one finishes.
                    while (t.getState() != Thread.State.BLOCKED) {
                        Thread.onSpinWait();
                    }
                }
            }
            for (Thread t : finishing) {
                t.join(10_000);
            }
        }

        List<Integer> counts = new ArrayList<>();
        for (String line : text.toString().lines().toList()) {
            Matcher m = COUNT.matcher(line);
            if (m.find()) {
                counts.add(Integer.parseInt(m.group(1)));
            }
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), counts, text.toString());
    }
}
