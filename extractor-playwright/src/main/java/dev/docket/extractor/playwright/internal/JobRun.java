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
    final AtomicBoolean cancelled = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicInteger blockedRequests = new AtomicInteger();
    private volatile String violation;
    private volatile BrowserContext browserContext;
    private volatile BrowserProcess browser;
    private volatile RemoteConnection connection;
    private volatile java.net.HttpURLConnection fetching;
    private final Map<String, String> contentTypes = new LinkedHashMap<>();

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

    void rememberContentType(String url, String contentType) {
        synchronized (contentTypes) {
            if (contentTypes.size() >= MAX_REMEMBERED_TYPES) {
                contentTypes.remove(contentTypes.keySet().iterator().next());
            }
            contentTypes.put(url, contentType);
        }
    }

    String contentTypeOf(String url) {
        synchronized (contentTypes) {
            return contentTypes.get(url);
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
