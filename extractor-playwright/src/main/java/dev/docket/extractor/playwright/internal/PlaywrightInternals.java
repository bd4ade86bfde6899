package dev.docket.extractor.playwright.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.impl.Connection;
import com.microsoft.playwright.impl.PlaywrightImpl;
import com.microsoft.playwright.impl.Transport;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every use of Playwright's implementation classes, in one place, each member looked up once and checked by
 * {@code PlaywrightInternalsTest} (which names {@link #WRITTEN_FOR}, so a Playwright upgrade fails that test
 * with the member that moved). Two things need them, because Playwright's public API has no way to do them:
 * <ul>
 *   <li>a Playwright {@code Connection} over our own {@link Transport} to a browser server, with its pre-launched
 *       browser ({@link #newConnection}, {@link #preLaunchedBrowser}), which is what Playwright's own
 *       {@code BrowserType.connect} does through a Node.js driver process per connection;</li>
 *   <li>watching a running download ({@link #downloadFile}, {@link #downloadEnd}, {@link #isDone}).</li>
 * </ul>
 * When a member is missing, the connection fails with {@link #problem()} in its message, and downloads are
 * size-checked only once complete.
 */
public final class PlaywrightInternals {
    /** The Playwright version these members were written and tested for (the {@code playwright.version} of the pom). */
    public static final String WRITTEN_FOR = "1.62.0";

    private static final List<String> MISSING = new ArrayList<>();
    @SuppressWarnings("rawtypes")
    private static final Constructor CONNECTION = member("Connection(Transport, Map, LocalUtils)", () -> {
        Class<?> localUtils = Class.forName("com.microsoft.playwright.impl.LocalUtils");
        return Connection.class.getDeclaredConstructor(Transport.class, Map.class, localUtils);
    });
    private static final Field INITIALIZER = member("ChannelOwner.initializer",
            () -> Class.forName("com.microsoft.playwright.impl.ChannelOwner").getDeclaredField("initializer"));
    private static final Field OVER_WEBSOCKET = member("BrowserImpl.isConnectedOverWebSocket",
            () -> Class.forName("com.microsoft.playwright.impl.BrowserImpl").getDeclaredField("isConnectedOverWebSocket"));
    private static final Method CONNECT_TO_TYPE = member("BrowserImpl.connectToBrowserType(BrowserTypeImpl, Path)",
            () -> Class.forName("com.microsoft.playwright.impl.BrowserImpl").getDeclaredMethod("connectToBrowserType",
                    Class.forName("com.microsoft.playwright.impl.BrowserTypeImpl"), Path.class));
    private static final Field ARTIFACT = member("DownloadImpl.artifact",
            () -> Class.forName("com.microsoft.playwright.impl.DownloadImpl").getDeclaredField("artifact"));
    private static final Method SEND_ASYNC = member("ChannelOwner.sendMessageAsync(String)",
            () -> Class.forName("com.microsoft.playwright.impl.ChannelOwner").getDeclaredMethod("sendMessageAsync", String.class));
    private static final Method IS_DONE = member("WaitableResult.isDone()",
            () -> Class.forName("com.microsoft.playwright.impl.WaitableResult").getDeclaredMethod("isDone"));

    private PlaywrightInternals() {
    }

    private interface Lookup<T extends AccessibleObject> {
        T find() throws ReflectiveOperationException;
    }

    private static <T extends AccessibleObject> T member(String name, Lookup<T> lookup) {
        try {
            T m = lookup.find();
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            MISSING.add(name + " (" + e + ")");
            return null;
        }
    }

    /** The members this Playwright lacks (empty when it is the one Docket was built against). */
    public static List<String> missingMembers() {
        return Collections.unmodifiableList(MISSING);
    }

    /** The Playwright version on the class path, from its jar's manifest ("unknown" when absent). */
    public static String playwrightVersion() {
        String v = Playwright.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** Null when every member is there, else what users see: the version and the missing members. */
    public static String problem() {
        if (MISSING.isEmpty()) {
            return null;
        }
        return "this Playwright (" + playwrightVersion() + ") is not the one Docket was built against (" + WRITTEN_FOR
                + "): missing " + String.join(", ", MISSING) + "; use the Playwright version of extractor-playwright's pom";
    }

    private static void require(Object... members) {
        for (Object m : members) {
            if (m == null) {
                throw new PlaywrightException("cannot open a Playwright connection: " + problem());
            }
        }
    }

    /** A Playwright connection over {@code transport} (not yet initialised). */
    public static Connection newConnection(Transport transport) {
        require(CONNECTION);
        try {
            return (Connection) CONNECTION.newInstance(transport, Map.of(), null);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new PlaywrightException("cannot create a Playwright connection: " + e, e);
        }
    }

    /** The browser server's pre-launched browser, as a {@link Browser} of {@code connection}. */
    public static Browser preLaunchedBrowser(Connection connection, PlaywrightImpl playwright) {
        require(INITIALIZER, OVER_WEBSOCKET, CONNECT_TO_TYPE);
        try {
            JsonObject init = (JsonObject) INITIALIZER.get(playwright);
            if (!init.has("preLaunchedBrowser")) {
                throw new PlaywrightException("the server is not a Playwright browser server (no pre-launched browser)");
            }
            Browser browser = connection.getExistingObject(init.getAsJsonObject("preLaunchedBrowser").get("guid").getAsString());
            OVER_WEBSOCKET.set(browser, true);
            CONNECT_TO_TYPE.invoke(browser, playwright.chromium(), null);
            return browser;
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new PlaywrightException("cannot open the server's browser: " + e, e);
        }
    }

    /** True when downloads can be watched while they run. */
    public static boolean canWatchDownloads() {
        return ARTIFACT != null && INITIALIZER != null && SEND_ASYNC != null && IS_DONE != null;
    }

    /** Where chromium writes {@code download} (its artifact's {@code absolutePath}), or null when not known. */
    static Path downloadFile(Download download) throws ReflectiveOperationException {
        JsonElement path = ((JsonObject) INITIALIZER.get(ARTIFACT.get(download))).get("absolutePath");
        return path == null ? null : Path.of(path.getAsString());
    }

    /** An asynchronous request the server answers when {@code download} ends (completed, failed or cancelled). */
    static Object downloadEnd(Download download) throws ReflectiveOperationException {
        return SEND_ASYNC.invoke(ARTIFACT.get(download), "failure");
    }

    /** Whether a {@link #downloadEnd} request has been answered (never blocks). */
    static boolean isDone(Object waitable) throws ReflectiveOperationException {
        return (Boolean) IS_DONE.invoke(waitable);
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable t = e.getCause();
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new PlaywrightException(String.valueOf(t), t);
    }
}
