package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * A listening socket on 127.0.0.1 and the thread accepting from it. Closing it makes the port refuse
 * connections (ECONNREFUSED); a new AcceptLoop on the same port listens again. SO_REUSEADDR lets that
 * rebind succeed while connections of the old listener linger in TIME_WAIT.
 */
final class AcceptLoop implements AutoCloseable {

    private static final int BACKLOG = 128;

    private final ServerSocket server;
    private final Thread thread;

    /**
     * @param port 0 for any free port
     * @param name the accepting thread is named {@code <name>-<port>-accept}
     */
    AcceptLoop(int port, String name, Consumer<Socket> onAccept) {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        thread = new Thread(() -> acceptUntilClosed(onAccept), name + "-" + server.getLocalPort() + "-accept");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Stops listening and waits for the accepting thread to end. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closed either way
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptUntilClosed(Consumer<Socket> onAccept) {
        while (!server.isClosed()) {
            try {
                onAccept.accept(server.accept());
            } catch (IOException closedOrFailed) {
                if (server.isClosed()) {
                    return;
                }
                // a failed accept (e.g. the peer reset in the backlog) does not stop the listener
            }
        }
    }
}
