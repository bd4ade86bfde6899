package dev.docket.benchmarks.soak;

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

/**
 * A small TCP proxy for fault injection: accepts on 127.0.0.1 and forwards every connection to a
 * target on this machine. {@link #cut(Duration)} closes every open connection at once and refuses
 * new ones (accepted and closed at once) until the time is up, then forwards again. Only loopback
 * addresses are accepted on either side.
 *
 * <p>Thread-safe. Threads are daemon threads named {@code soak-proxy-...}.
 */
public final class TcpProxy implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private volatile long refuseUntilNanos;
    private volatile boolean closed;

    private TcpProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        Thread t = new Thread(this::acceptLoop, "soak-proxy-accept-" + server.getLocalPort());
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
        return System.nanoTime() - refuseUntilNanos < 0;
    }

    /** Closes every open connection now and refuses new ones for {@code duration}. */
    public void cut(Duration duration) {
        cuts.incrementAndGet();
        refuseUntilNanos = System.nanoTime() + duration.toNanos();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    /** Ends a cut early. */
    public void resume() {
        refuseUntilNanos = System.nanoTime();
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
                continue;
            }
            if (isCut()) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            Thread t = new Thread(() -> connect(client), "soak-proxy-connect");
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
        Thread up = new Thread(() -> pump(client, upstream), "soak-proxy-up");
        Thread down = new Thread(() -> pump(upstream, client), "soak-proxy-down");
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
            // closed by a cut or by the other side: drop both
        } catch (IOException e) {
            // same
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
            // already closed
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
