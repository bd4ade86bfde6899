package dev.docket.queue.s3.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a test server: counts the bytes clients send, and can corrupt request
 * bodies (flips one byte of the body of every {@code PUT}), so that tests see what a store gets when a transfer is
 * damaged on its way. HTTP/1.1 with Content-Length bodies only (what the SDK sends with chunked encoding off).
 */
public final class LoopbackProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong clientBytes = new AtomicLong();
    private final AtomicBoolean corruptPuts = new AtomicBoolean();
    private final Thread acceptor;
    private volatile boolean closed;

    public LoopbackProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "docket-test-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public java.net.URI endpoint() {
        return java.net.URI.create("http://127.0.0.1:" + port());
    }

    /** Bytes clients sent through the proxy so far. */
    public long clientBytes() {
        return clientBytes.get();
    }

    /** From now on, flip one byte in the body of every PUT. */
    public void corruptPuts(boolean on) {
        corruptPuts.set(on);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket();
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
                } catch (IOException refused) {
                    client.close(); // the server is down: so is the connection
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy accept failed: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                if (request) {
                    requests(in, out);
                } else {
                    in.transferTo(out);
                }
            } catch (IOException e) {
                // a side closed: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "docket-test-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Copies requests one by one: head, then a Content-Length body (possibly corrupted). */
    private void requests(InputStream in, OutputStream out) throws IOException {
        while (true) {
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            out.write(head);
            clientBytes.addAndGet(head.length);
            String h = new String(head, StandardCharsets.ISO_8859_1);
            long length = 0;
            for (String line : h.split("\r\n")) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("content-length")) {
                    length = Long.parseLong(line.substring(c + 1).trim());
                }
            }
            boolean corrupt = corruptPuts.get() && h.startsWith("PUT ") && length > 0;
            byte[] buf = new byte[16 * 1024];
            long left = length;
            boolean first = true;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return;
                }
                if (corrupt && first) {
                    buf[0] ^= 0x5a;
                }
                first = false;
                out.write(buf, 0, n);
                out.flush();
                clientBytes.addAndGet(n);
                left -= n;
            }
            out.flush();
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int state = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return b.toByteArray();
            }
        }
    }

    /** Cuts every open connection. */
    public void cutConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing a socket that is already broken
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cutConnections();
    }
}
