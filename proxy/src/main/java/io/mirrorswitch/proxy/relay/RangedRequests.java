package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.upstream.CallHandle;
import io.mirrorswitch.upstream.UpstreamRequest;
import java.io.IOException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path's {@code Range} requests of its own: continuing a blob from the byte where an upstream broke,
 * and learning a blob's size when an upstream's HEAD did not say it.
 */
final class RangedRequests {
    private static final Logger LOG = LoggerFactory.getLogger(RangedRequests.class);

    private final Supplier<UpstreamClients> clients;
    private final TransferWatchdog watchdog;
    private final BiConsumer<Attempt, String> report;

    RangedRequests(Supplier<UpstreamClients> clients, TransferWatchdog watchdog, BiConsumer<Attempt, String> report) {
        this.clients = clients;
        this.watchdog = watchdog;
        this.report = report;
    }

    /** Opens the rest of a blob from {@code offset}: other candidates first, the one that failed last. */
    UpstreamBody resume(UpstreamRequest original, long offset, long total, String failed, List<UpstreamConfig> candidates) {
        UpstreamRequest ranged = original.withHeaders(original.headers().newBuilder().set("Range", "bytes=" + offset + "-").build());
        int failedAt = Math.max(0, candidates.stream().map(UpstreamConfig::name).toList().indexOf(failed));
        for (int i = 1; i <= candidates.size(); i++) {
            String name = candidates.get((failedAt + i) % candidates.size()).name();
            CallHandle handle = new CallHandle();
            Transfer transfer = watchdog.watch(handle);
            try {
                Response response = clients.get().get(name).send(ranged, handle);
                transfer.headersArrived();
                UpstreamBody body = new UpstreamBody(name, response, transfer);
                long skip = RangeAnswer.bytesToSkip(response, offset, total);
                if (skip >= 0) {
                    try {
                        body.skip(skip);
                        return body;
                    } catch (IOException e) {
                        body.close();
                        throw e;
                    }
                }
                body.close();
                LOG.info("{} cannot resume {} at byte {}: {}", name, original, offset, RangeAnswer.refusal(response, offset, total));
            } catch (IOException e) {
                transfer.close();
                report.accept(FailoverPolicy.failed(name, e, transfer), original + " resuming at byte " + offset);
            }
        }
        return null;
    }

    /** The blob's size from {@code Content-Range} of a one-byte ranged GET, or -1. */
    long blobSize(String upstream, UpstreamRequest head) {
        UpstreamRequest probe = new UpstreamRequest("GET", head.pathAndQuery(),
                head.headers().newBuilder().set("Range", "bytes=0-0").build(), head.scope());
        CallHandle handle = new CallHandle();
        try (Transfer transfer = watchdog.watch(handle); Response response = clients.get().get(upstream).send(probe, handle)) {
            String range = response.header("Content-Range");
            if (response.code() == 206 && range != null && range.matches("bytes \\d+-\\d+/\\d+")) {
                return Long.parseLong(range.substring(range.indexOf('/') + 1));
            }
            return response.code() == 200 && response.body() != null ? response.body().contentLength() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
