package dev.docket.extractor.playwright.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Download;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches a browser download while it runs, which Playwright's public API cannot: where chromium writes it (the
 * file {@code <artifact>.crdownload}, renamed to {@code <artifact>} when complete), how large it is so far, and
 * whether it has ended, without blocking the slot thread. Built on Playwright's implementation classes, like
 * {@link RemoteConnection} (the artifact's {@code absolutePath} and an asynchronous {@code failure} request, which
 * the server answers when the download ends); pinned to the Playwright version of this module. When those
 * internals are not there, {@link #of} returns null and the caller waits for the download to end before
 * counting its bytes.
 */
final class DownloadWatch {
    private static final Logger log = LoggerFactory.getLogger(DownloadWatch.class);
    private static final AtomicBoolean unavailableLogged = new AtomicBoolean();

    private final Path file;
    private final Path partial;
    private final Object ended;

    private DownloadWatch(Path file, Object ended) {
        this.file = file;
        this.partial = file.resolveSibling(file.getFileName() + ".crdownload");
        this.ended = ended;
    }

    /** A watch of {@code download}, or null when this Playwright's internals do not allow one. */
    static DownloadWatch of(Download download) {
        if (Internals.problem != null) {
            if (unavailableLogged.compareAndSet(false, true)) {
                log.warn("browser downloads are size-checked only once complete: {}", Internals.problem);
            }
            return null;
        }
        try {
            Object artifact = Internals.ARTIFACT.get(download);
            JsonObject initializer = (JsonObject) Internals.INITIALIZER.get(artifact);
            JsonElement path = initializer.get("absolutePath");
            if (path == null) {
                return null;
            }
            Object ended = Internals.SEND_ASYNC.invoke(artifact, "failure");
            return new DownloadWatch(Path.of(path.getAsString()), ended);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (unavailableLogged.compareAndSet(false, true)) {
                log.warn("browser downloads are size-checked only once complete: watching one failed: {}", e.toString());
            }
            return null;
        }
    }

    /** True once the download completed, failed or was cancelled (the server answered). */
    boolean ended() {
        try {
            return (Boolean) Internals.IS_DONE.invoke(ended);
        } catch (ReflectiveOperationException e) {
            return true; // cannot tell: let the caller's blocking calls wait for the end
        }
    }

    /** Bytes chromium has written so far (decoded, as it stores them), 0 before it created the file. */
    long bytesOnDisk() {
        return Math.max(size(partial), size(file));
    }

    /** Removes whatever chromium left of the download (it removes a cancelled one's partial file itself). */
    void deleteFiles() {
        for (Path p : new Path[] {partial, file}) {
            try {
                Files.deleteIfExists(p);
            } catch (java.io.IOException e) {
                log.debug("cannot delete the download file {}: {}", p, e.toString());
            }
        }
    }

    /** The partial file, for messages and tests. */
    Path partialFile() {
        return partial;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0; // not created yet, or already renamed or removed
        }
    }

    private static final class Internals {
        static final Field ARTIFACT;
        static final Field INITIALIZER;
        static final Method SEND_ASYNC;
        static final Method IS_DONE;
        static final String problem;

        static {
            Field artifact = null;
            Field initializer = null;
            Method sendAsync = null;
            Method isDone = null;
            String p = null;
            try {
                artifact = Class.forName("com.microsoft.playwright.impl.DownloadImpl").getDeclaredField("artifact");
                artifact.setAccessible(true);
                Class<?> channelOwner = Class.forName("com.microsoft.playwright.impl.ChannelOwner");
                initializer = channelOwner.getDeclaredField("initializer");
                initializer.setAccessible(true);
                sendAsync = channelOwner.getDeclaredMethod("sendMessageAsync", String.class);
                sendAsync.setAccessible(true);
                isDone = Class.forName("com.microsoft.playwright.impl.WaitableResult").getDeclaredMethod("isDone");
                isDone.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                p = "this Playwright's implementation is not the one Docket was built against (" + e + ")";
            }
            ARTIFACT = artifact;
            INITIALIZER = initializer;
            SEND_ASYNC = sendAsync;
            IS_DONE = isDone;
            problem = p;
        }
    }
}
