package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.impl.Connection;
import com.microsoft.playwright.impl.PlaywrightImpl;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One slot's own Playwright connection to a {@link BrowserProcess}'s browser server: a WebSocket (loopback,
 * {@link JdkWebSocketTransport}) that speaks Playwright's protocol, with its own Playwright objects. Several
 * connections share one server process and one chromium, yet each is used by one thread only, so no Playwright
 * object is ever shared between threads (Playwright for Java is not thread-safe), and no Node.js driver process is
 * started per slot.
 *
 * <p>{@link #close()} may be called from any thread: it aborts the socket, so a call blocked on this connection
 * (a hanging navigation, say) fails at once with a {@link PlaywrightException}; the server then closes the
 * contexts this connection created. This is how a cancelled job is released.
 *
 * <p>Built on Playwright's implementation classes through {@link PlaywrightInternals} (its {@code Connection} over
 * our transport), the same way Playwright's own {@code BrowserType.connect} builds one over its driver.
 */
public final class RemoteConnection implements AutoCloseable {
    private final JdkWebSocketTransport transport;
    private final Browser browser;

    private RemoteConnection(JdkWebSocketTransport transport, Browser browser) {
        this.transport = transport;
        this.browser = browser;
    }

    /**
     * Connects to the browser server at {@code wsEndpoint} ({@code ws://127.0.0.1:port/path}).
     *
     * @param timeout bound of the connection, the handshake and Playwright's initialisation, each
     * @param name    what the connection is for, in messages ({@code docket-playwright-slot-3})
     * @throws PlaywrightException when the server cannot be reached or does not speak Playwright's protocol
     */
    public static RemoteConnection open(String wsEndpoint, Duration timeout, String name) {
        JdkWebSocketTransport transport;
        try {
            transport = JdkWebSocketTransport.connect(URI.create(wsEndpoint), timeout);
        } catch (IOException | IllegalArgumentException e) {
            throw new PlaywrightException("cannot connect to the browser server at " + wsEndpoint + " (" + name + "): "
                    + e.getMessage(), e);
        }
        try {
            // the handshake was bounded by the connect timeout; Playwright's initialisation is bounded here
            transport.deadlineNanos = System.nanoTime() + timeout.toNanos();
            transport.deadlineSet = true;
            Connection connection = PlaywrightInternals.newConnection(transport);
            PlaywrightImpl playwright = connection.initializePlaywright();
            Browser browser = PlaywrightInternals.preLaunchedBrowser(connection, playwright);
            transport.deadlineSet = false;
            return new RemoteConnection(transport, browser);
        } catch (RuntimeException e) {
            transport.close();
            throw e instanceof PlaywrightException ? (PlaywrightException) e
                    : new PlaywrightException("cannot open a Playwright connection to " + wsEndpoint + ": " + e, e);
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
        return transport.isOpen();
    }

    /** Aborts the connection (any thread); a call blocked on it fails at once. Idempotent; never throws. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "Playwright connection " + transport.uri().getAuthority() + " (" + (isOpen() ? "open" : "closed") + ")";
    }
}
