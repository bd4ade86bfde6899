package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.Proxy;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.queue.ExtractionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * One slot's connection and reused session: its own Playwright connection ({@link RemoteConnection}) to the
 * chromium it shares with other slots, and one context + page reused across jobs until {@code sessionTimeout},
 * another allow-list, a closed page or any error replaces it. Between jobs the pages a job left open (popups) are
 * closed, and every {@link #GC_EVERY_JOBS} jobs the renderer's heap is collected. Used by the slot's thread only,
 * except {@link #connection()} (read by the canceller through {@link JobRun}).
 */
final class BrowserSession {
    private static final Logger log = LoggerFactory.getLogger(BrowserSession.class);
    /**
     * A reused session's renderer keeps the garbage of earlier jobs' pages (V8 collects lazily): its heap is
     * collected every this many jobs, which keeps a long session's renderer near its fresh size (~30 MiB less).
     */
    static final int GC_EVERY_JOBS = 10;

    private final int slot;
    private final PlaywrightConfig config;
    private final Clock clock;
    private final AllowListGuard guard;

    private volatile RemoteConnection connection;
    private BrowserProcess connectedTo;
    private BrowserContext context;
    private Set<String> contextHosts;
    private String contextProxy;
    private Page page;
    private String userAgent;
    private CDPSession devTools;
    private Instant sessionStartedAt;
    private int jobsInSession;
    private long sessionsCreated;

    BrowserSession(int slot, PlaywrightConfig config, Clock clock, AllowListGuard guard) {
        this.slot = slot;
        this.config = config;
        this.clock = clock;
        this.guard = guard;
    }

    /** Sessions (contexts) created so far. */
    long sessionsCreated() {
        return sessionsCreated;
    }

    /** The connection, or null. */
    RemoteConnection connection() {
        return connection;
    }

    Page page() {
        return page;
    }

    BrowserContext context() {
        return context;
    }

    /** The open connection to {@code bp}, reusing this slot's when it is open and to the same browser. */
    RemoteConnection connect(BrowserProcess bp, long jobId) throws ExtractionException {
        RemoteConnection c = connection;
        if (c != null && c.isOpen() && connectedTo == bp) {
            return c;
        }
        discardConnection(c == null ? "first job" : "reconnecting to " + bp);
        try {
            c = RemoteConnection.open(bp.wsEndpoint(), config.launchTimeout(), "docket-playwright-slot-" + slot);
        } catch (PlaywrightException e) {
            throw ExtractionException.infrastructure("job " + jobId + ": cannot connect to " + bp + ": "
                    + PlaywrightErrors.firstLine(e.getMessage()), e);
        }
        connection = c;
        connectedTo = bp;
        return c;
    }

    /**
     * Makes sure a session fit for a job of {@code allowList} is open: recycles the current one when its page is
     * closed, its allow-list or blocking proxy differs, or it reached {@code sessionTimeout}; closes pages an
     * earlier job left open.
     */
    void prepare(RemoteConnection c, HostAllowList allowList, String proxy, long jobId) {
        Set<String> hosts = allowList.patterns();
        if (context != null && page.isClosed()) {
            log.debug("slot {}: the flow closed the session's page; starting a new session", slot);
            closeContext();
        }
        if (context != null) {
            closeOtherPages(jobId); // opened after the previous job returned (a timer on its page)
        }
        if (context != null && (!hosts.equals(contextHosts) || !proxy.equals(contextProxy))) {
            log.debug("slot {}: job {} has another allow-list (or blocking proxy) than the session's; starting a new session",
                    slot, jobId);
            closeContext();
        }
        if (context != null && expired()) {
            log.debug("slot {}: session used for {} jobs reached sessionTimeout {}; recycling it", slot, jobsInSession,
                    config.sessionTimeout());
            closeContext();
        }
        if (context == null) {
            newContext(c.browser(), allowList, proxy);
        }
    }

    private boolean expired() {
        return !Duration.between(sessionStartedAt, clock.instant()).minus(config.sessionTimeout()).isNegative();
    }

    private void newContext(Browser browser, HostAllowList allowList, String proxy) {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions()
                .setAcceptDownloads(true)
                .setProxy(new Proxy(proxy).setBypass(allowList.proxyBypassList())));
        try {
            guard.watch(c);
            Page p = c.newPage();
            guard.watch(p);
            context = c;
            contextHosts = allowList.patterns();
            contextProxy = proxy;
            page = p;
            userAgent = null;
            devTools = null;
            sessionStartedAt = clock.instant();
            jobsInSession = 0;
            sessionsCreated++;
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** After a job succeeded: closes the pages it left open, counts it, collects garbage now and then. */
    void jobSucceeded(long jobId) {
        closeOtherPages(jobId);
        jobsInSession++;
        if (jobsInSession % GC_EVERY_JOBS == 0) {
            collectGarbage();
        }
    }

    /**
     * Closes every page of the session but its own (popups, new tabs the job's pages opened), so that nothing a
     * job started keeps running into the next job of the reused session. If that fails, the whole session is
     * closed instead.
     */
    private void closeOtherPages(long jobId) {
        try {
            for (Page p : context.pages()) {
                if (p != page) {
                    log.debug("slot {}: closing a page job {} left open: {}", slot, jobId, JobRun.shorten(p.url()));
                    p.close();
                }
            }
        } catch (PlaywrightException e) {
            log.debug("slot {}: closing the pages job {} left open failed, closing its session: {}", slot, jobId,
                    PlaywrightErrors.firstLine(e.getMessage()));
            closeContext();
        }
    }

    private void collectGarbage() {
        try {
            if (devTools == null) {
                devTools = context.newCDPSession(page);
            }
            devTools.send("HeapProfiler.collectGarbage");
        } catch (PlaywrightException e) {
            log.debug("slot {}: collecting the renderer's garbage failed: {}", slot, PlaywrightErrors.firstLine(e.getMessage()));
        }
    }

    /** The session's user agent (for fetches made from this JVM), asked from the page once per session. */
    String userAgent() {
        if (userAgent == null) {
            userAgent = String.valueOf(page.evaluate("() => navigator.userAgent"));
        }
        return userAgent;
    }

    /** Closes the session (context and page); the connection stays. */
    void closeContext() {
        BrowserContext c = context;
        context = null;
        page = null;
        if (c != null) {
            closeQuietly(c);
        }
    }

    private void closeQuietly(BrowserContext c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            log.debug("slot {}: closing a context failed: {}", slot, PlaywrightErrors.firstLine(e.getMessage()));
        }
    }

    /** Closes the connection (the browser server then closes its contexts) and forgets the session. Never throws. */
    void discardConnection(String why) {
        RemoteConnection c = connection;
        context = null;
        contextHosts = null;
        page = null;
        connectedTo = null;
        connection = null;
        if (c != null) {
            log.debug("slot {}: closing its Playwright connection: {}", slot, why);
            c.close();
        }
    }
}
