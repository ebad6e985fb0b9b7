package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1, for processes that must be told their port up front. */
public final class Ports {

    private Ports() {
    }

    /**
     * Returns a port that was free a moment ago. The kernel hands out ephemeral ports round-robin,
     * so a port just released is unlikely to be handed to someone else before the caller binds it.
     * Java servers inside the harness bind port 0 directly instead and avoid even that small race.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
