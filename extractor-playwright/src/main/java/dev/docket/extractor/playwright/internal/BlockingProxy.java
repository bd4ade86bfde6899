package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * The proxy every browser context is given for the hosts outside its source's allow-list (the allowed hosts
 * bypass it): it never forwards anything. It answers each request with {@code 403} (and each {@code CONNECT} with
 * {@code 403}, which fails the https request), so a page, a redirect hop, a sub-resource or a script can never reach
 * a host that is not allowed, at no cost to the allowed ones (no request interception). Listens on 127.0.0.1 only,
 * on its own {@code docket-playwright-blocker} thread. Thread-safe.
 */
public final class BlockingProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlockingProxy.class);
    static final String BODY = "Blocked by Docket: this host is not on the document source's allow-list.";
    private static final int READ_TIMEOUT_MILLIS = 500;
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final ServerSocket server;
    private final Thread thread;
    private volatile boolean closed;

    public BlockingProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::acceptLoop, "docket-playwright-blocker");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code http://127.0.0.1:port}, for a context's proxy setting. */
    public String address() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try (Socket s = server.accept()) {
                answer(s);
            } catch (SocketException e) {
                if (!closed) {
                    log.warn("the blocking proxy's socket failed; blocked hosts now fail to connect instead: {}", e.toString());
                }
                return;
            } catch (IOException | RuntimeException e) {
                log.debug("blocking proxy: {}", e.toString());
            }
        }
    }

    private static void answer(Socket s) throws IOException {
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        InputStream in = s.getInputStream();
        String requestLine = null;
        StringBuilder line = new StringBuilder();
        int read = 0;
        for (int c = in.read(); c >= 0 && ++read < MAX_HEAD_BYTES; c = in.read()) {
            if (c == '\n') {
                if (line.length() == 0) {
                    break; // end of the request head
                }
                if (requestLine == null) {
                    requestLine = line.toString();
                }
                line.setLength(0);
            } else if (c != '\r') {
                line.append((char) c);
            }
        }
        log.debug("blocked by the allow-list: {}", JobRun.shorten(String.valueOf(requestLine)));
        byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        s.shutdownOutput();
    }

    /** Stops the proxy and its thread. Idempotent; never throws. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the blocking proxy: {}", e.toString());
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
