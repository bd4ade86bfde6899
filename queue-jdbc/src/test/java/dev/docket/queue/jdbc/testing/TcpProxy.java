package dev.docket.queue.jdbc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 for tests that need the database to go away and come back: point a
 * DataSource at {@link #port()}, then {@link #cut()} (every open connection is dropped and new ones
 * are closed as soon as they are accepted, as if the server were unreachable) and {@link #restore()}.
 * Shipped in the queue-jdbc test-jar. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean closed;

    /** Starts forwarding 127.0.0.1:{@link #port()} to {@code targetHost:targetPort}. */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::accept, "test-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The local port to connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Drops every open connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
        log.info("proxy {} -> {}:{} cut", port(), targetHost, targetPort);
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
        log.info("proxy {} -> {}:{} restored", port(), targetHost, targetPort);
    }

    /** How many forwarded connections are open now. */
    public int openConnections() {
        return open.size() / 2;
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the proxy socket: {}", e.getMessage());
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("proxy accept failed: {}", e.getMessage());
                }
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                log.warn("proxy could not reach {}:{}: {}", targetHost, targetPort, e.getMessage());
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // cut or closed by the other side: normal
            } catch (IOException e) {
                log.debug("proxy pump ended: {}", e.getMessage());
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "test-proxy-pump-" + port());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            log.debug("closing a proxied socket: {}", e.getMessage());
        }
    }
}
