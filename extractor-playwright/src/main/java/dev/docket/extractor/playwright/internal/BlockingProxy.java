package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy every browser context is given for the hosts outside its source's allow-list (the allowed hosts
 * bypass it): it never forwards anything. It answers each request with {@code 403} (and each {@code CONNECT} with
 * {@code 403}, which fails the https request), so a page, a redirect hop, a sub-resource or a script can never reach
 * a host that is not allowed, at no cost to the allowed ones (no request interception). Listens on 127.0.0.1 only.
 *
 * <p>Robust by construction: the {@code docket-playwright-blocker} thread only accepts; each connection is
 * answered on a {@code docket-playwright-blocker-N} thread (at most {@value #MAX_CONCURRENT} at once; beyond that
 * a connection is closed at once, which fails its request just the same) within its own deadline, and whatever
 * goes wrong with one connection (the browser gave up on it: "Broken pipe", "Connection reset") ends only that
 * connection. Should the listening socket itself fail, the proxy closes it (so browsers fail fast instead of
 * waiting) and {@link #ensureRunning()}, called by the extractor's {@code health()} and before each job, restarts
 * it on the same address (or, if that port was taken meanwhile, on a new one: {@link #address()} then changes and
 * sessions get new contexts). Thread-safe.
 */
public final class BlockingProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlockingProxy.class);
    static final String BODY = "Blocked by Docket: this host is not on the document source's allow-list.";
    /** How long one connection may take to send its request head. */
    static final Duration CONNECTION_DEADLINE = Duration.ofSeconds(2);
    /** Connections answered at once. */
    static final int MAX_CONCURRENT = 32;
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    /** Consecutive failed accepts (100 ms apart) after which the listening socket counts as broken. */
    private static final int MAX_ACCEPT_FAILURES = 50;
    private static final byte[] ANSWER;

    static {
        byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ANSWER = new byte[head.length + body.length];
        System.arraycopy(head, 0, ANSWER, 0, head.length);
        System.arraycopy(body, 0, ANSWER, head.length, body.length);
    }

    private final Duration connectionDeadline;
    private final ThreadPoolExecutor workers;
    private final Object lock = new Object();
    private volatile ServerSocket listener;
    private volatile Thread acceptor;
    private volatile boolean closed;
    private volatile String lastFailure;

    /** Listens on a free port of 127.0.0.1. */
    public BlockingProxy() throws IOException {
        this(CONNECTION_DEADLINE);
    }

    BlockingProxy(Duration connectionDeadline) throws IOException {
        this.connectionDeadline = connectionDeadline;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, MAX_CONCURRENT, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "docket-playwright-blocker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        startAccepting(s);
    }

    /** {@code http://127.0.0.1:port}, for a context's proxy setting. */
    public String address() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** True while the proxy accepts connections. */
    public boolean isAccepting() {
        Thread t = acceptor;
        return !closed && t != null && t.isAlive() && !listener.isClosed();
    }

    /**
     * Null when the proxy accepts connections, restarting it first if it had stopped; else why it cannot run.
     * Quick; never throws.
     */
    public String ensureRunning() {
        if (isAccepting()) {
            return null;
        }
        synchronized (lock) {
            if (closed) {
                return "the blocking proxy is closed";
            }
            if (isAccepting()) {
                return null;
            }
            ServerSocket old = listener;
            closeQuietly(old);
            Thread oldAcceptor = acceptor;
            if (oldAcceptor != null) {
                try {
                    oldAcceptor.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted while restarting the blocking proxy";
                }
            }
            int port = old.getLocalPort();
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                try {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
                } catch (IOException e) {
                    s.close();
                    s = new ServerSocket();
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
                    log.warn("the blocking proxy cannot listen on its port {} again ({}); it moves to port {}, and "
                            + "sessions get new browser contexts", port, e.toString(), s.getLocalPort());
                }
                startAccepting(s);
                log.warn("the blocking proxy had stopped ({}); restarted on {}", lastFailure, address());
                return null;
            } catch (IOException | RuntimeException e) {
                log.error("the blocking proxy stopped ({}) and cannot be restarted: {}", lastFailure, e.toString());
                return "the blocking proxy stopped (" + lastFailure + ") and cannot be restarted: " + e;
            }
        }
    }

    private void startAccepting(ServerSocket s) {
        listener = s;
        Thread t = new Thread(() -> acceptLoop(s), "docket-playwright-blocker");
        t.setDaemon(true);
        acceptor = t;
        t.start();
    }

    private void acceptLoop(ServerSocket s) {
        int failures = 0;
        try {
            while (!closed) {
                Socket connection;
                try {
                    connection = s.accept();
                    failures = 0;
                } catch (IOException e) {
                    if (!closed && !s.isClosed() && ++failures < MAX_ACCEPT_FAILURES) {
                        // e.g. out of file descriptors: not this socket's fault; try again a little later
                        log.warn("the blocking proxy could not accept a connection: {}", e.toString());
                        pause();
                        continue;
                    }
                    if (!closed) {
                        lastFailure = "its listening socket failed: " + e;
                        log.warn("the blocking proxy's listening socket failed ({}); it is restarted by the next health "
                                + "check or job", e.toString());
                    }
                    return;
                }
                try {
                    workers.execute(() -> answer(connection));
                } catch (RejectedExecutionException e) {
                    // MAX_CONCURRENT connections are being answered: closing this one fails its request all the same
                    log.debug("blocking proxy: {} connections at once; closing a new one unanswered", MAX_CONCURRENT);
                    closeQuietly(connection);
                }
            }
        } catch (RuntimeException | Error e) {
            lastFailure = "its accepting thread failed: " + e;
            log.error("the blocking proxy's accepting thread failed; it is restarted by the next health check or job", e);
            if (e instanceof Error) {
                throw (Error) e;
            }
        } finally {
            if (!closed) {
                closeQuietly(s); // browsers now fail at once instead of waiting for an answer
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the request head (within the deadline), answers 403, closes. Never throws. */
    private void answer(Socket s) {
        String requestLine = null;
        try (s) {
            long deadline = System.nanoTime() + connectionDeadline.toNanos();
            InputStream in = new BufferedInputStream(s.getInputStream(), 4096);
            StringBuilder line = new StringBuilder();
            int read = 0;
            try {
                while (read++ < MAX_HEAD_BYTES) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        break;
                    }
                    s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    if (c == '\n') {
                        if (line.length() == 0) {
                            break; // end of the request head
                        }
                        if (requestLine == null) {
                            requestLine = line.toString();
                        }
                        line.setLength(0);
                    } else if (c != '\r' && line.length() < 2048) {
                        line.append((char) c);
                    }
                }
            } catch (SocketTimeoutException e) {
                log.debug("blocking proxy: a client sent no complete request within {}", connectionDeadline);
            }
            if (requestLine == null && line.length() > 0) {
                requestLine = line.toString();
            }
            log.debug("blocked by the allow-list: {}", JobRun.shorten(String.valueOf(requestLine)));
            OutputStream out = s.getOutputStream();
            out.write(ANSWER);
            out.flush();
            s.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // the browser gave up on this request (its page moved on): nothing to answer any more
            log.debug("blocking proxy: a connection ended early ({}): {}", JobRun.shorten(String.valueOf(requestLine)), e.toString());
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            log.debug("blocking proxy: closing a socket failed: {}", e.toString());
        }
    }

    /** For tests: makes the listening socket fail, as the operating system could. */
    void failListenerForTest() {
        closeQuietly(listener);
    }

    /** Stops the proxy and its threads. Idempotent; never throws. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            closeQuietly(listener);
        }
        workers.shutdownNow();
        Thread t = acceptor;
        try {
            if (t != null) {
                t.join(2000);
            }
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
