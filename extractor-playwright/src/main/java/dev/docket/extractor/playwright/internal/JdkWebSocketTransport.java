package dev.docket.extractor.playwright.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.impl.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Playwright's {@link Transport} over the JDK's {@link WebSocket} (as Playwright's own {@code PipeTransport} is one
 * over the driver's pipes): messages in are reassembled from their fragments (the listener's {@code last} flag),
 * parsed and queued for {@link #poll}; the socket is asked for the next message ({@link WebSocket#request}) only
 * while fewer than {@link #MAX_QUEUED} wait, so a flood from the server is held in its socket, not in this heap.
 * {@link #close()} aborts the socket from any thread, and a {@link #poll} blocked on it fails at once. All
 * connections share one {@link HttpClient}: its one selector thread (the JDK's, {@code HttpClient-N-SelectorManager})
 * reads every connection and runs the listener.
 */
final class JdkWebSocketTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(JdkWebSocketTransport.class);
    /** Largest message accepted from the server (Playwright sends downloads in chunks far below this). */
    static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
    /** Messages parsed but not yet polled beyond which the socket is not read. */
    static final int MAX_QUEUED = 1024;
    private static final JsonObject CLOSED_MARK = new JsonObject();
    /**
     * The listener runs on the client's selector thread itself (a direct executor): it never blocks (it parses and
     * queues), and handing each message to a pool thread first cost ~5 % of jobs/s at 4 slots on 2 cores.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .executor(Runnable::run)
            .build();

    private final URI uri;
    private final BlockingQueue<JsonObject> incoming = new LinkedBlockingQueue<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final Object sendLock = new Object();
    private volatile WebSocket socket;
    private volatile boolean closed;
    private volatile String closeReason;
    /** When set, a poll after deadlineNanos closes the connection (see {@link RemoteConnection#within}). */
    volatile boolean deadlineSet;
    volatile long deadlineNanos;

    private JdkWebSocketTransport(URI uri) {
        this.uri = uri;
    }

    /**
     * Opens a WebSocket to {@code uri} ({@code ws://host:port/path}), the connection and the handshake bounded by
     * {@code timeout}.
     *
     * @throws IOException saying why (nothing listening, upgrade refused, timeout)
     */
    static JdkWebSocketTransport connect(URI uri, Duration timeout) throws IOException {
        if (!"ws".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IOException("not a ws://host:port/ endpoint: " + uri);
        }
        JdkWebSocketTransport t = new JdkWebSocketTransport(uri);
        java.util.concurrent.CompletableFuture<WebSocket> opening =
                CLIENT.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, t.new Listener());
        try {
            t.socket = opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return t;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof WebSocketHandshakeException) {
                throw new IOException("the browser server refused the WebSocket upgrade: HTTP "
                        + ((WebSocketHandshakeException) cause).getResponse().statusCode(), cause);
            }
            throw new IOException(String.valueOf(cause), cause);
        } catch (TimeoutException e) {
            abandon(opening);
            throw new IOException("no WebSocket handshake within " + timeout, e);
        } catch (InterruptedException e) {
            abandon(opening);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting", e);
        }
    }

    /** Gives up an opening that did not finish in time: aborts its socket should it open later. */
    private static void abandon(java.util.concurrent.CompletableFuture<WebSocket> opening) {
        opening.thenAccept(WebSocket::abort);
        opening.cancel(true);
    }

    /** The listener: runs on the client's threads, one message (fragment) at a time. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (text.length() + data.length() > MAX_MESSAGE_BYTES) {
                fail(ws, "message over " + MAX_MESSAGE_BYTES + " bytes");
                return null;
            }
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                deliver(ws, message);
            } else {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (binary.size() + data.remaining() > MAX_MESSAGE_BYTES) {
                fail(ws, "message over " + MAX_MESSAGE_BYTES + " bytes");
                return null;
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.write(b, 0, b.length);
            if (last) {
                String message = binary.toString(StandardCharsets.UTF_8);
                binary.reset();
                deliver(ws, message);
            } else {
                ws.request(1);
            }
            return null;
        }

        private void deliver(WebSocket ws, String message) {
            try {
                incoming.add(JsonParser.parseString(message).getAsJsonObject());
            } catch (RuntimeException e) {
                fail(ws, "not a Playwright message: " + e);
                return;
            }
            requestNextUnlessFull(ws);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            markClosed("the browser server closed the connection");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (!closed) {
                log.debug("{}: the connection to the browser server broke: {}", uri.getAuthority(), error.toString());
            }
            markClosed("the connection to the browser server broke: " + error);
        }

        private void fail(WebSocket ws, String why) {
            log.debug("{}: {}", uri.getAuthority(), why);
            markClosed("the connection to the browser server broke: " + why);
            ws.abort();
        }
    }

    private void requestNextUnlessFull(WebSocket ws) {
        if (incoming.size() < MAX_QUEUED) {
            ws.request(1);
            return;
        }
        paused.set(true);
        // the poller may have drained the queue before it could see the flag: whoever clears it asks for more
        if (incoming.size() < MAX_QUEUED && paused.compareAndSet(true, false)) {
            ws.request(1);
        }
    }

    private void markClosed(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        closed = true;
        incoming.add(CLOSED_MARK); // wakes a poll at once
    }

    @Override
    public void send(JsonObject message) {
        if (closed) {
            throw closedError();
        }
        try {
            synchronized (sendLock) { // the JDK allows one outstanding send
                socket.sendText(message.toString(), true).get();
            }
        } catch (ExecutionException e) {
            close();
            throw new PlaywrightException("Playwright connection closed: cannot write to the browser server: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlaywrightException("Failed to send message", e);
        }
    }

    @Override
    public JsonObject poll(Duration timeout) {
        try {
            JsonObject m = incoming.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (m == CLOSED_MARK) {
                incoming.add(CLOSED_MARK); // for the next poll, after the messages that came before the close
                m = null;
            }
            if (m != null) {
                if (paused.compareAndSet(true, false)) {
                    socket.request(1);
                }
                return m;
            }
            if (closed) {
                throw closedError();
            }
            if (deadlineSet && System.nanoTime() - deadlineNanos > 0) {
                closeReason = "the browser server did not answer in time";
                close();
                throw closedError();
            }
            return null;
        } catch (InterruptedException e) {
            // as Playwright's own pipe transport does; the caller restores the interrupt
            throw new PlaywrightException("Failed to read message", e);
        }
    }

    private PlaywrightException closedError() {
        return new PlaywrightException("Playwright connection closed" + (closeReason == null ? "" : ": " + closeReason));
    }

    /** False once closed, by either side. */
    boolean isOpen() {
        return !closed;
    }

    URI uri() {
        return uri;
    }

    /** Aborts the socket (any thread, idempotent, never throws); a blocked {@link #poll} fails at once. */
    @Override
    public void close() {
        markClosed("closed by Docket");
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }
}
