package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.BrowserContext;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state of one job on one slot: its allow-list, what was blocked, whether the runtime cancelled it.
 * Written by the slot thread and (the cancel flag) by the runtime's thread; thread-safe.
 */
final class JobRun {
    private static final Logger log = LoggerFactory.getLogger(JobRun.class);
    private static final int MAX_URL_LENGTH = 200;
    private static final int MAX_REMEMBERED_TYPES = 64;

    final Job job;
    final HostAllowList allowList;
    final ExtractionContext context;
    /** What the page did (statuses, console errors, blocked requests), for throttling and failure snapshots. */
    private volatile dev.docket.extractor.playwright.internal.snapshot.PageEvidence evidence =
            dev.docket.extractor.playwright.internal.snapshot.PageEvidence.attach(null);
    final AtomicBoolean cancelled = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicInteger blockedRequests = new AtomicInteger();
    private volatile String violation;
    private volatile BrowserContext browserContext;
    private volatile BrowserProcess browser;
    private volatile RemoteConnection connection;
    private volatile java.net.HttpURLConnection fetching;
    private final Map<String, Seen> responses = new LinkedHashMap<>();

    /**
     * What a response's headers declared: its content type, length ({@code -1}: none) and content encoding, with its
     * status and {@code Retry-After} header.
     */
    static final class Seen {
        final String contentType;
        final long length;
        final String encoding;
        final int status;
        final String retryAfter;

        Seen(String contentType, long length, String encoding, int status, String retryAfter) {
            this.contentType = contentType;
            this.length = length;
            this.encoding = encoding;
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    JobRun(Job job, HostAllowList allowList, ExtractionContext context) {
        this.job = job;
        this.allowList = allowList;
        this.context = context;
    }

    boolean isCancelled() {
        return cancelled.get() || context.isCancelled();
    }

    /** Records a request to a host outside the allow-list; a main-frame navigation fails the job. */
    void blocked(String url, boolean mainFrame) {
        blockedRequests.incrementAndGet();
        evidence.blocked(url);
        String shown = shorten(url);
        if (mainFrame) {
            if (violation == null) {
                violation = "navigation to " + shown + " was blocked: its host is not allowed for source '"
                        + job.documentSource() + "' (allowed: " + allowList + ")";
                log.warn("job {}: {}", job.id(), violation);
            }
        } else {
            log.debug("job {}: blocked a request to {} (host not allowed for source '{}')", job.id(), shown, job.documentSource());
        }
    }

    /** Starts gathering what the job's page does (called once the page is known). */
    dev.docket.extractor.playwright.internal.snapshot.PageEvidence watch(com.microsoft.playwright.Page page) {
        evidence = dev.docket.extractor.playwright.internal.snapshot.PageEvidence.attach(page);
        return evidence;
    }

    dev.docket.extractor.playwright.internal.snapshot.PageEvidence evidence() {
        return evidence;
    }

    /** Now, by the runtime's clock (the one the job's deadline is measured with). */
    java.time.Instant now() {
        return context.deadline().minus(context.remaining());
    }

    String violation() {
        return violation;
    }

    int blockedRequests() {
        return blockedRequests.get();
    }

    void attach(BrowserContext context, BrowserProcess browser, RemoteConnection connection) {
        this.browserContext = context;
        this.browser = browser;
        this.connection = connection;
    }

    RemoteConnection connection() {
        return connection;
    }

    /** The fetch in progress (null: none), disconnected by {@link #abortFetch()} when the job is cancelled. */
    void fetching(java.net.HttpURLConnection c) {
        this.fetching = c;
    }

    void abortFetch() {
        java.net.HttpURLConnection c = fetching;
        if (c != null) {
            c.disconnect();
        }
    }

    BrowserContext browserContext() {
        return browserContext;
    }

    BrowserProcess browser() {
        return browser;
    }

    /** Remembers what the response from {@code url} declared (its headers, with lower-case names). */
    void rememberResponse(String url, int status, Map<String, String> headers) {
        long length = -1;
        String declared = headers.get("content-length");
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1; // not a length: counted instead
            }
        }
        Seen seen = new Seen(headers.get("content-type"), length, headers.get("content-encoding"), status,
                headers.get("retry-after"));
        synchronized (responses) {
            if (responses.size() >= MAX_REMEMBERED_TYPES) {
                responses.remove(responses.keySet().iterator().next());
            }
            responses.put(url, seen);
        }
    }

    /** What the response from {@code url} declared, or null when it was not seen. */
    Seen responseOf(String url) {
        synchronized (responses) {
            return responses.get(url);
        }
    }

    void finish() {
        finished.countDown();
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    static String shorten(String url) {
        if (url == null) {
            return "null";
        }
        return url.length() <= MAX_URL_LENGTH ? url : url.substring(0, MAX_URL_LENGTH) + "...";
    }
}
