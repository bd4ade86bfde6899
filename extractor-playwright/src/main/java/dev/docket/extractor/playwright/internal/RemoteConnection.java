package dev.docket.extractor.playwright.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.impl.Connection;
import com.microsoft.playwright.impl.PlaywrightImpl;
import com.microsoft.playwright.impl.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One slot's own Playwright connection to a {@link BrowserProcess}'s browser server: a WebSocket (loopback) that
 * speaks Playwright's protocol, with its own Playwright objects. Several connections share one server process and
 * one chromium, yet each is used by one thread only, so no Playwright object is ever shared between threads
 * (Playwright for Java is not thread-safe), and no Node.js driver process is started per slot.
 *
 * <p>{@link #close()} may be called from any thread: it aborts the socket, so a call blocked on this connection
 * (a hanging navigation, say) fails at once with a {@link PlaywrightException}; the server then closes the
 * contexts this connection created. This is how a cancelled job is released.
 *
 * <p>Built on Playwright's implementation classes (its {@code Connection} over our {@link Transport}), the same
 * way Playwright's own {@code BrowserType.connect} builds one over its driver; pinned to the Playwright version
 * of this module.
 */
public final class RemoteConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteConnection.class);
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Largest message accepted from the server (Playwright sends downloads in chunks far below this). */
    private static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
    private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final WebSocketTransport transport;
    private final Browser browser;

    private RemoteConnection(WebSocketTransport transport, Browser browser) {
        this.transport = transport;
        this.browser = browser;
    }

    /**
     * Connects to the browser server at {@code wsEndpoint} ({@code ws://127.0.0.1:port/path}).
     *
     * @param timeout    bound of the connection, the handshake and Playwright's initialisation, each
     * @param readerName name of the thread that reads this connection's messages
     * @throws PlaywrightException when the server cannot be reached or does not speak Playwright's protocol
     */
    public static RemoteConnection open(String wsEndpoint, Duration timeout, String readerName) {
        WebSocketTransport transport;
        try {
            transport = WebSocketTransport.connect(URI.create(wsEndpoint), timeout, readerName);
        } catch (IOException e) {
            throw new PlaywrightException("cannot connect to the browser server at " + wsEndpoint + ": " + e.getMessage(), e);
        }
        try {
            // the handshake was bounded by the socket's timeout; Playwright's initialisation is bounded here
            transport.deadlineNanos = System.nanoTime() + timeout.toNanos();
            transport.deadlineSet = true;
            Connection connection = Internals.newConnection(transport);
            PlaywrightImpl playwright = connection.initializePlaywright();
            Browser browser = Internals.preLaunchedBrowser(connection, playwright);
            transport.deadlineSet = false;
            return new RemoteConnection(transport, browser);
        } catch (RuntimeException e) {
            transport.close();
            throw e instanceof PlaywrightException ? (PlaywrightException) e
                    : new PlaywrightException("cannot open a Playwright connection to " + wsEndpoint + ": " + e, e);
        } catch (LinkageError e) {
            // Playwright's implementation is not the one this module was built against (see Internals)
            transport.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PlaywrightException("cannot open a Playwright connection: " + (e.getMessage() != null ? e.getMessage()
                    : "this Playwright version's implementation is not the one Docket was built against (" + cause
                    + "); use the Playwright version of extractor-playwright's pom"), e);
        }
    }

    /** The shared chromium, as this connection's own {@link Browser} object. */
    public Browser browser() {
        return browser;
    }

    /**
     * Runs {@code call} (Playwright calls on this connection, from the calling thread), failing it with a
     * {@link PlaywrightException} and closing this connection when no answer came within {@code timeout}: a bound
     * for calls that Playwright itself does not time out (a CDP message, say).
     */
    public <T> T within(Duration timeout, Supplier<T> call) {
        transport.deadlineNanos = System.nanoTime() + timeout.toNanos();
        transport.deadlineSet = true;
        try {
            return call.get();
        } finally {
            transport.deadlineSet = false;
        }
    }

    /** False once closed, by either side. */
    public boolean isOpen() {
        return !transport.closed;
    }

    /** Aborts the connection (any thread); a call blocked on it fails at once. Idempotent; never throws. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "Playwright connection " + transport.uri.getAuthority() + " (" + (isOpen() ? "open" : "closed") + ")";
    }

    /** Reflection into Playwright's implementation, in one place. */
    private static final class Internals {
        private static final Constructor<Connection> CONSTRUCTOR;
        private static final Field INITIALIZER;
        private static final Field OVER_WEBSOCKET;
        private static final Method CONNECT_TO_TYPE;

        static {
            try {
                Class<?> localUtils = Class.forName("com.microsoft.playwright.impl.LocalUtils");
                CONSTRUCTOR = Connection.class.getDeclaredConstructor(Transport.class, Map.class, localUtils);
                CONSTRUCTOR.setAccessible(true);
                INITIALIZER = Class.forName("com.microsoft.playwright.impl.ChannelOwner").getDeclaredField("initializer");
                INITIALIZER.setAccessible(true);
                Class<?> browserImpl = Class.forName("com.microsoft.playwright.impl.BrowserImpl");
                OVER_WEBSOCKET = browserImpl.getDeclaredField("isConnectedOverWebSocket");
                OVER_WEBSOCKET.setAccessible(true);
                CONNECT_TO_TYPE = browserImpl.getDeclaredMethod("connectToBrowserType",
                        Class.forName("com.microsoft.playwright.impl.BrowserTypeImpl"), java.nio.file.Path.class);
                CONNECT_TO_TYPE.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExceptionInInitializerError("this Playwright version's implementation is not the one Docket "
                        + "was built against (" + e + "); use the Playwright version of docket-extractor-playwright's pom");
            }
        }

        static Connection newConnection(Transport transport) {
            try {
                return CONSTRUCTOR.newInstance(transport, Map.of(), null);
            } catch (ReflectiveOperationException e) {
                throw new PlaywrightException("cannot create a Playwright connection: " + e, e);
            }
        }

        static Browser preLaunchedBrowser(Connection connection, PlaywrightImpl playwright) {
            try {
                JsonObject init = (JsonObject) INITIALIZER.get(playwright);
                if (!init.has("preLaunchedBrowser")) {
                    throw new PlaywrightException("the server is not a Playwright browser server (no pre-launched browser)");
                }
                Browser browser = connection.getExistingObject(init.getAsJsonObject("preLaunchedBrowser").get("guid").getAsString());
                OVER_WEBSOCKET.set(browser, true);
                CONNECT_TO_TYPE.invoke(browser, playwright.chromium(), null);
                return browser;
            } catch (ReflectiveOperationException e) {
                throw new PlaywrightException("cannot open the server's browser: " + e, e);
            }
        }
    }

    /**
     * A minimal RFC 6455 client over a loopback socket: masked text frames out, text (and control) frames in,
     * read by its own thread into a queue. {@link #close()} is thread-safe.
     */
    static final class WebSocketTransport implements Transport {
        private final URI uri;
        private final Socket socket;
        private final OutputStream out;
        private final BlockingQueue<JsonObject> incoming = new LinkedBlockingQueue<>();
        private final Object writeLock = new Object();
        private volatile boolean closed;
        private volatile String closeReason;
        /** When set, a poll after deadlineNanos closes the connection (see {@link RemoteConnection#within}). */
        private volatile boolean deadlineSet;
        private volatile long deadlineNanos;

        private WebSocketTransport(URI uri, Socket socket) throws IOException {
            this.uri = uri;
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        static WebSocketTransport connect(URI uri, Duration timeout, String readerName) throws IOException {
            if (!"ws".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                throw new IOException("not a ws://host:port/ endpoint: " + uri);
            }
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) Math.max(1, timeout.toMillis()));
                socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
                InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                handshake(uri, socket.getOutputStream(), in);
                socket.setSoTimeout(0);
                WebSocketTransport t = new WebSocketTransport(uri, socket);
                Thread reader = new Thread(() -> t.readLoop(new DataInputStream(in)), readerName);
                reader.setDaemon(true);
                reader.start();
                return t;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        private static void handshake(URI uri, OutputStream out, InputStream in) throws IOException {
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String request = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = readLine(in);
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IOException("the browser server refused the WebSocket upgrade: " + status);
            }
            String accept = null;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                    accept = line.substring(colon + 1).trim();
                }
            }
            if (!expectedAccept(key).equals(accept)) {
                throw new IOException("the browser server answered a wrong Sec-WebSocket-Accept: " + accept);
            }
        }

        static String expectedAccept(String key) {
            try {
                byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
                return Base64.getEncoder().encodeToString(sha1);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required by the JDK", e);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("the browser server closed the connection during the handshake");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
                if (sb.length() > 8192) {
                    throw new IOException("handshake line too long");
                }
            }
            return sb.toString();
        }

        private void readLoop(DataInputStream in) {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            try {
                while (!closed) {
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    boolean fin = (b0 & 0x80) != 0;
                    int opcode = b0 & 0x0F;
                    long length = b1 & 0x7F;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    if (length < 0 || message.size() + length > MAX_MESSAGE_BYTES) {
                        throw new IOException("message over " + MAX_MESSAGE_BYTES + " bytes");
                    }
                    byte[] mask = null;
                    if ((b1 & 0x80) != 0) {
                        mask = new byte[4];
                        in.readFully(mask);
                    }
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    if (mask != null) {
                        for (int i = 0; i < payload.length; i++) {
                            payload[i] ^= mask[i & 3];
                        }
                    }
                    switch (opcode) {
                        case 0x0, 0x1, 0x2 -> {
                            message.write(payload);
                            if (fin) {
                                String text = message.toString(StandardCharsets.UTF_8);
                                message.reset();
                                incoming.add(JsonParser.parseString(text).getAsJsonObject());
                            }
                        }
                        case 0x8 -> {
                            closeReason = "the browser server closed the connection";
                            return;
                        }
                        case 0x9 -> writeFrame(0xA, payload);
                        default -> {
                            // 0xA pong and reserved opcodes: nothing to do
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    closeReason = "the connection to the browser server broke: " + e;
                    log.debug("{}: {}", uri.getAuthority(), closeReason);
                }
            } finally {
                closed = true;
                closeSocket();
            }
        }

        @Override
        public void send(JsonObject message) {
            if (closed) {
                throw new PlaywrightException("Playwright connection closed" + (closeReason == null ? "" : ": " + closeReason));
            }
            try {
                writeFrame(0x1, message.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                close();
                throw new PlaywrightException("Playwright connection closed: cannot write to the browser server: " + e, e);
            }
        }

        private void writeFrame(int opcode, byte[] payload) throws IOException {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            int headerLength = payload.length < 126 ? 6 : payload.length < 65536 ? 8 : 14;
            byte[] frame = new byte[headerLength + payload.length];
            frame[0] = (byte) (0x80 | opcode);
            int i;
            if (payload.length < 126) {
                frame[1] = (byte) (0x80 | payload.length);
                i = 2;
            } else if (payload.length < 65536) {
                frame[1] = (byte) (0x80 | 126);
                frame[2] = (byte) (payload.length >>> 8);
                frame[3] = (byte) payload.length;
                i = 4;
            } else {
                frame[1] = (byte) (0x80 | 127);
                long len = payload.length;
                for (int k = 0; k < 8; k++) {
                    frame[2 + k] = (byte) (len >>> (56 - 8 * k));
                }
                i = 10;
            }
            System.arraycopy(mask, 0, frame, i, 4);
            i += 4;
            for (int k = 0; k < payload.length; k++) {
                frame[i + k] = (byte) (payload[k] ^ mask[k & 3]);
            }
            synchronized (writeLock) {
                out.write(frame);
                out.flush();
            }
        }

        @Override
        public JsonObject poll(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    // in short slices, so that a close() from another thread is seen at once
                    JsonObject m = incoming.poll(Math.max(0, Math.min(left, CLOSE_CHECK_NANOS)), TimeUnit.NANOSECONDS);
                    if (m != null) {
                        return m;
                    }
                    if (closed && incoming.isEmpty()) {
                        throw new PlaywrightException("Playwright connection closed" + (closeReason == null ? "" : ": " + closeReason));
                    }
                    if (deadlineSet && System.nanoTime() - deadlineNanos > 0) {
                        closeReason = "the browser server did not answer in time";
                        close();
                        throw new PlaywrightException("Playwright connection closed: " + closeReason);
                    }
                    if (left <= 0) {
                        return null;
                    }
                }
            } catch (InterruptedException e) {
                // as Playwright's own pipe transport does; the caller restores the interrupt
                throw new PlaywrightException("Failed to read message", e);
            }
        }

        @Override
        public void close() {
            if (closeReason == null) {
                closeReason = "closed by Docket";
            }
            closed = true;
            closeSocket();
        }

        private void closeSocket() {
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("{}: closing the socket failed: {}", uri.getAuthority(), e.toString());
            }
        }
    }
}
