package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.TimeoutError;
import dev.docket.extractor.playwright.FailureSnapshots;
import dev.docket.extractor.playwright.FlowContext;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.internal.snapshot.PageEvidence;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.JobProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link FlowContext} of one job: deadline, checkpoints (violations, cancellation, a registry that asks us to
 * slow down), progress, and the document helpers ({@link DocumentFetcher} for {@code fetch}, the browser download
 * here). Used on the slot thread only.
 */
final class DefaultFlowContext implements FlowContext {
    private static final Logger log = LoggerFactory.getLogger(DefaultFlowContext.class);
    /** Redirects followed by {@link #fetch}, each hop checked against the allow-list. */
    static final int MAX_FETCH_REDIRECTS = DocumentFetcher.MAX_FETCH_REDIRECTS;
    /**
     * With failure snapshots on, a step may use the job's remaining time minus this (at most a tenth of it), so
     * a step that waits to the deadline fails with time left to take the snapshot before the runtime aborts it.
     */
    static final Duration SNAPSHOT_RESERVE = Duration.ofSeconds(2);

    private final JobRun run;
    private final Page page;
    private final PlaywrightConfig config;
    private final DocumentChecks checks;
    private final DocumentFetcher fetcher;
    private final boolean reserve;

    DefaultFlowContext(JobRun run, Page page, PlaywrightConfig config, BrowserSession session) {
        this.run = run;
        this.page = page;
        this.config = config;
        this.checks = new DocumentChecks(run, config);
        this.fetcher = new DocumentFetcher(run, page, config, session, checks, this::stepMillis);
        this.reserve = config.failureSnapshots().policy() != FailureSnapshots.Policy.OFF;
        run.watch(page);
    }

    private long id() {
        return run.job.id();
    }

    @Override
    public Duration remaining() {
        return run.context.remaining();
    }

    @Override
    public Duration stepTimeout() {
        return Duration.ofMillis(stepMillis());
    }

    @Override
    public boolean isCancelled() {
        return run.isCancelled();
    }

    @Override
    public void checkpoint() {
        if (run.violation() != null) {
            throw ExtractionException.permanent("job " + id() + ": " + run.violation());
        }
        if (run.isCancelled()) {
            throw ExtractionException.transientFailure("job " + id() + " was cancelled by the runtime (timeout or shutdown)", null);
        }
        PageEvidence ev = run.evidence();
        if (Throttling.isThrottle(ev.mainStatus())) {
            throw Throttling.throttled(id(), "the page", ev.mainStatus(), ev.mainUrl(), ev.mainRetryAfter(), run.now());
        }
        if (remaining().isZero()) {
            throw ExtractionException.transientFailure("job " + id() + ": its deadline passed", null);
        }
        applyTimeouts();
    }

    @Override
    public void progress(String step, double fraction) {
        JobProgress.checkFraction(fraction);
        run.evidence().progress(JobProgress.cleanStep(step), fraction);
        run.context.progress(step, fraction);
    }

    /** Bounds the page's default timeouts by the job's remaining time (less the snapshot reserve). */
    void applyTimeouts() {
        long left = usableMillis();
        page.setDefaultTimeout(Math.min(config.actionTimeout().toMillis(), left));
        page.setDefaultNavigationTimeout(Math.min(config.navigationTimeout().toMillis(), left));
    }

    /** The remaining time a step may use: all of it, or with snapshots on all but {@link #SNAPSHOT_RESERVE}. */
    private long usableMillis() {
        long remaining = remaining().toMillis();
        long kept = reserve ? Math.min(SNAPSHOT_RESERVE.toMillis(), remaining / 10) : 0;
        return Math.max(1, remaining - kept);
    }

    private long stepMillis() {
        return Math.max(1, Math.min(config.navigationTimeout().toMillis(), usableMillis()));
    }

    @Override
    public Set<String> allowedHosts() {
        return run.allowList.patterns();
    }

    @Override
    public boolean isAllowed(String url) {
        return run.allowList.allows(url);
    }

    @Override
    public Document fetch(String url, Collection<String> expectedContentTypes) {
        Set<String> expected = DocumentChecks.expected(expectedContentTypes);
        checkpoint();
        return fetcher.fetch(url, expected);
    }

    @Override
    public Document download(Runnable trigger, Collection<String> expectedContentTypes) {
        Set<String> expected = DocumentChecks.expected(expectedContentTypes);
        checkpoint();
        Download download;
        // what the download's response declared (type, length, encoding): listened to only while waiting for it
        Consumer<Response> remember = response -> {
            try {
                run.rememberResponse(response.url(), response.status(), response.headers());
            } catch (PlaywrightException e) {
                log.debug("job {}: the headers of {} cannot be read; the download is sniffed and counted instead: {}", id(),
                        JobRun.shorten(response.url()), PlaywrightErrors.firstLine(e.getMessage()));
            }
        };
        page.context().onResponse(remember);
        try {
            download = page.waitForDownload(new Page.WaitForDownloadOptions().setTimeout(stepMillis()), trigger);
        } catch (TimeoutError e) {
            checkpoint();
            throw ExtractionException.transientFailure("job " + id() + ": no download started within the timeout", e);
        } finally {
            page.context().offResponse(remember);
        }
        DownloadWatch watch = null;
        try {
            String url = download.url();
            if (!run.allowList.allows(url)) {
                throw ExtractionException.permanent("job " + id() + ": the download came from " + JobRun.shorten(url)
                        + ", which is not an allowed host for source '" + run.job.documentSource() + "'");
            }
            JobRun.Seen seen = run.responseOf(url);
            if (seen != null && Throttling.isThrottle(seen.status)) {
                throw Throttling.throttled(id(), "the download", seen.status, url, seen.retryAfter, run.now());
            }
            String contentType = seen == null || seen.contentType == null ? null : checks.cleanType(seen.contentType, url);
            if (contentType != null) {
                checks.checkType(contentType, expected, url);
            }
            if (seen != null && seen.length > config.maxDownloadBytes()) {
                throw checks.tooBig(seen.length + " bytes (declared)");
            }
            watch = DownloadWatch.of(download);
            if (watch != null) {
                awaitWithinCap(watch);
            }
            String failure = download.failure();
            if (failure != null) {
                throw ExtractionException.transientFailure("job " + id() + ": the download failed: " + failure, null);
            }
            byte[] bytes = readCapped(download);
            if (bytes.length == 0) {
                throw ExtractionException.transientFailure("job " + id() + ": the download was empty", null);
            }
            if (contentType == null) {
                contentType = MediaTypes.sniff(bytes);
                checks.checkType(contentType, expected, url);
            }
            checks.checkBytes(contentType, bytes, url);
            return Document.of(bytes, contentType);
        } finally {
            discard(download, watch);
        }
    }

    /**
     * Waits (dispatching Playwright's messages) until the download ends, failing as soon as chromium has written
     * more than the cap or the job's time is up.
     */
    private void awaitWithinCap(DownloadWatch watch) {
        long cap = config.maxDownloadBytes();
        try {
            page.waitForCondition(() -> watch.ended() || watch.bytesOnDisk() > cap || run.isCancelled(),
                    new Page.WaitForConditionOptions().setTimeout(Math.max(1, remaining().toMillis())));
        } catch (TimeoutError e) {
            checkpoint();
            throw ExtractionException.transientFailure("job " + id() + ": the download did not finish before the job's deadline", e);
        }
        long written = watch.bytesOnDisk();
        if (written > cap) {
            throw checks.tooBig("more than " + cap + " bytes (" + written + " written when it was stopped)");
        }
        checkpoint();
    }

    /** Cancels {@code download} if it still runs and removes its file, partial or complete. Never throws. */
    private void discard(Download download, DownloadWatch watch) {
        try {
            download.cancel();
        } catch (PlaywrightException e) {
            log.debug("job {}: cancelling the download failed (it may have ended, or the context is gone): {}", id(),
                    PlaywrightErrors.firstLine(e.getMessage()));
        }
        try {
            download.delete();
        } catch (PlaywrightException e) {
            // a cancelled or failed download has nothing to delete; a gone context took its files along
            log.debug("job {}: deleting the download: {}", id(), PlaywrightErrors.firstLine(e.getMessage()));
        }
        if (watch != null) {
            watch.deleteFiles();
        }
    }

    private byte[] readCapped(Download download) {
        try (InputStream in = download.createReadStream()) {
            if (in == null) {
                throw ExtractionException.transientFailure("job " + id() + ": the download has no content", null);
            }
            return checks.readCapped(in);
        } catch (IOException e) {
            throw ExtractionException.transientFailure("job " + id() + ": reading the download failed: " + e, e);
        }
    }

    @Override
    public int slot() {
        return run.context.slot();
    }

    @Override
    public int attempt() {
        return run.context.attempt();
    }
}
