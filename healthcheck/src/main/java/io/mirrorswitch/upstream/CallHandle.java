package io.mirrorswitch.upstream;

import okhttp3.Call;

/**
 * Lets another thread abort whatever upstream call a request is currently blocked in (the request itself, a
 * redirect hop, or its body). Cancelling closes the socket, so a blocked read fails at once: this is how stall
 * and slow-transfer detection end a transfer without waiting for a socket timeout.
 */
public final class CallHandle {
    private volatile Call current;
    private volatile boolean cancelled;

    void attach(Call call) {
        current = call;
        if (cancelled) {
            call.cancel();
        }
    }

    public void cancel() {
        cancelled = true;
        Call call = current;
        if (call != null) {
            call.cancel();
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
