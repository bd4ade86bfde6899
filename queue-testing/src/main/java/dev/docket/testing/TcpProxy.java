package dev.docket.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small TCP proxy for fault injection, for tests that need a server to go away and come back: accepts on
 * 127.0.0.1 and forwards every connection to a target on this machine. Point a client at {@link #port()}, then
 * {@link #cut()} (every open connection is dropped at once, new ones are accepted and closed at once, as if the
 * server were unreachable) and {@link #resume()}; or {@link #cut(Duration)} for a cut that ends by itself. Only
 * loopback addresses are accepted on either side ({@link DocketPostgres#proxy()} forwards to the test database
 * wherever it is).
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start(0, "127.0.0.1", 5432)) {
 *     ... connect to 127.0.0.1:proxy.port() ...
 *     proxy.cut();     // the database is gone
 *     proxy.resume();  // and back
 * }
 * }</pre>
 *
 * <p>Thread-safe. Threads are daemon threads named {@code docket-test-proxy-...}.
 */
public final class TcpProxy implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private volatile long refuseUntilNanos;
    private volatile boolean held;
    private volatile boolean closed;

    private TcpProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        Thread t = new Thread(this::acceptLoop, "docket-test-proxy-accept-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts a proxy on 127.0.0.1 ({@code port} 0 for any free port) forwarding to {@code host:port}.
     *
     * @throws IllegalArgumentException when the target is not a loopback address
     */
    public static TcpProxy start(int listenPort, String targetHost, int targetPort) throws IOException {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(targetHost);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve proxy target '" + targetHost + "'", e);
        }
        if (!addr.isLoopbackAddress()) {
            throw new IllegalArgumentException("the proxy only forwards to this machine (a loopback address), not to '"
                    + targetHost + "'");
        }
        return open(listenPort, addr, targetPort);
    }

    /** A proxy on any free port to a target the user configured explicitly (the test database). */
    static TcpProxy toConfiguredTarget(String targetHost, int targetPort) throws IOException {
        return open(0, InetAddress.getByName(targetHost), targetPort);
    }

    private static TcpProxy open(int listenPort, InetAddress addr, int targetPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 200);
        return new TcpProxy(s, new InetSocketAddress(addr, targetPort));
    }

    /** The local port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Connections forwarded so far. */
    public long acceptedCount() {
        return accepted.get();
    }

    /** Connections refused during cuts. */
    public long refusedCount() {
        return refused.get();
    }

    /** Cuts so far. */
    public long cutCount() {
        return cuts.get();
    }

    /** Open forwarded connections (each counts its two sockets as one). */
    public int openConnections() {
        return open.size() / 2;
    }

    /** True while new connections are refused. */
    public boolean isCut() {
        return held || System.nanoTime() - refuseUntilNanos < 0;
    }

    /** Closes every open connection now and refuses new ones until {@link #resume()}. */
    public void cut() {
        held = true;
        cutOpenConnections("until resumed");
    }

    /** Closes every open connection now and refuses new ones for {@code duration}. */
    public void cut(Duration duration) {
        refuseUntilNanos = System.nanoTime() + duration.toNanos();
        cutOpenConnections("for " + duration);
    }

    private void cutOpenConnections(String howLong) {
        cuts.incrementAndGet();
        for (Socket s : open) {
            closeQuietly(s);
        }
        log.info("proxy {} -> {} cut {}", port(), target, howLong);
    }

    /** Ends a cut: new connections are forwarded again. */
    public void resume() {
        held = false;
        refuseUntilNanos = System.nanoTime();
        log.info("proxy {} -> {} resumed", port(), target);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.warn("proxy {} accept failed: {}", port(), e.getMessage());
                continue;
            }
            if (isCut()) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            Thread t = new Thread(() -> connect(client), "docket-test-proxy-connect-" + port());
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 5_000);
        } catch (IOException e) {
            log.warn("proxy {} could not reach {}: {}", port(), target, e.getMessage());
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        if (isCut() || closed) { // a cut happened while connecting
            drop(client, upstream);
            return;
        }
        accepted.incrementAndGet();
        Thread up = new Thread(() -> pump(client, upstream), "docket-test-proxy-up-" + port());
        Thread down = new Thread(() -> pump(upstream, client), "docket-test-proxy-down-" + port());
        up.setDaemon(true);
        down.setDaemon(true);
        up.start();
        down.start();
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            log.trace("proxy {} connection closed (a cut or the other side): {}", port(), e.getMessage());
        } catch (IOException e) {
            log.debug("proxy {} pump ended: {}", port(), e.getMessage());
        } finally {
            drop(from, to);
        }
    }

    private void drop(Socket a, Socket b) {
        open.remove(a);
        open.remove(b);
        closeQuietly(a);
        closeQuietly(b);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            log.debug("closing a proxied socket: {}", e.getMessage());
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the proxy socket: {}", e.getMessage());
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
