package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Download;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches a browser download while it runs, which Playwright's public API cannot: where chromium writes it (the
 * file {@code <artifact>.crdownload}, renamed to {@code <artifact>} when complete), how large it is so far, and
 * whether it has ended, without blocking the slot thread. Built on Playwright's implementation classes, through
 * {@link PlaywrightInternals} (the artifact's {@code absolutePath} and an asynchronous {@code failure} request, which
 * the server answers when the download ends). When those
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
        if (!PlaywrightInternals.canWatchDownloads()) {
            if (unavailableLogged.compareAndSet(false, true)) {
                log.warn("browser downloads are size-checked only once complete: {}", PlaywrightInternals.problem());
            }
            return null;
        }
        try {
            Path path = PlaywrightInternals.downloadFile(download);
            if (path == null) {
                return null;
            }
            return new DownloadWatch(path, PlaywrightInternals.downloadEnd(download));
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
            return PlaywrightInternals.isDone(ended);
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
}
