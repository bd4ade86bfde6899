package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.Proxy;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.RegistryFlow;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One slot's browser machinery: its own Playwright connection ({@link RemoteConnection}, a WebSocket to the browser
 * server of the chromium it shares with other slots; Playwright objects are not thread-safe, so each slot has its
 * own) and the reused session (context + page). Used by one slot thread at a time; {@link #cancel} and
 * {@link #closeFromOutside} are the only methods called from other threads.
 *
 * <p>The allow-list is enforced by the browser's network stack, not by request interception: each context is
 * created with a proxy that blocks everything ({@link BlockingProxy}) and the source's allowed hosts as the proxy's
 * bypass list, so allowed requests cost nothing extra and nothing else (redirect hops, sub-resources, scripts)
 * reaches another host. A context serves one allow-list; a job of a source with another one gets a new session.
 */
public final class SlotSession {
    private static final Logger log = LoggerFactory.getLogger(SlotSession.class);
    /** How long a cancelled job may take to return before its unresponsive browser is killed. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(5);
    /**
     * A reused session's renderer keeps the garbage of earlier jobs' pages (V8 collects lazily): its heap is
     * collected every this many jobs, which keeps a long session's renderer near its fresh size (~30 MiB less).
     */
    static final int GC_EVERY_JOBS = 10;
    /** How long a call that failed with "closed" waits for the browser process to be seen dead. */
    private static final Duration CRASH_CONFIRM = Duration.ofMillis(500);

    private final int slot;
    private final int browserIndex;
    private final PlaywrightConfig config;
    private final BrowserPool pool;
    private final Clock clock;
    private final ScheduledExecutorService canceller;
    private final BlockingProxy blockingProxy;

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
    private volatile JobRun current;
    private volatile boolean closed;
    /** Set when the runtime reuses this slot number while an abandoned call still runs here. */
    private boolean retired;

    /**
     * @param blockingProxy the extractor's {@link BlockingProxy}
     */
    public SlotSession(int slot, PlaywrightConfig config, BrowserPool pool, Clock clock, ScheduledExecutorService canceller,
                       BlockingProxy blockingProxy) {
        this.slot = slot;
        this.browserIndex = slot / config.slotsPerBrowser();
        this.config = config;
        this.pool = pool;
        this.clock = clock;
        this.canceller = canceller;
        this.blockingProxy = blockingProxy;
    }

    /** Sessions (contexts) created by this slot so far. */
    public long sessionsCreated() {
        return sessionsCreated;
    }

    /**
     * Runs {@code flow} for {@code job}, classifying every failure as an {@link ExtractionException}.
     */
    public Document run(Job job, ExtractionContext ctx, RegistryFlow flow, HostAllowList allowList) throws ExtractionException {
        JobRun run = new JobRun(job, allowList, ctx);
        synchronized (this) {
            if (current != null || retired) {
                throw new IllegalStateException("slot " + slot + " is still running job " + (current == null ? "?" : current.job.id()));
            }
            current = run;
        }
        ctx.onCancel(() -> cancel(run));
        boolean interrupted = false;
        try {
            if (run.isCancelled()) {
                throw cancelled(run, null);
            }
            if (ctx.remaining().isZero()) {
                throw ExtractionException.transientFailure("job " + job.id() + ": its deadline passed before the browser was ready", null);
            }
            prepare(run);
            DefaultFlowContext flowContext = new DefaultFlowContext(run, page, config, this);
            flowContext.applyTimeouts();
            Document document = flow.run(page, job, flowContext);
            if (run.violation() != null) {
                throw ExtractionException.permanent("job " + job.id() + ": " + run.violation());
            }
            if (run.isCancelled()) {
                throw cancelled(run, null);
            }
            if (document == null) {
                throw ExtractionException.transientFailure("job " + job.id() + ": the flow for source '"
                        + job.documentSource() + "' returned no document", null);
            }
            closeOtherPages(run);
            jobsInSession++;
            if (jobsInSession % GC_EVERY_JOBS == 0) {
                collectGarbage();
            }
            return document;
        } catch (Exception e) {
            // Playwright turns an interrupt into an exception and clears the flag: restore it at the end
            interrupted = Thread.interrupted() | causedByInterrupt(e);
            if (interrupted) {
                run.cancelled.set(true);
            }
            ExtractionException classified = classify(e, run);
            afterFailure(run, classified);
            throw classified;
        } catch (Error e) {
            afterFailure(run, null);
            throw e;
        } finally {
            run.finish();
            if (run.cancelled.get()) {
                // the runtime's thread aborted the connection to release the job: the next job opens a new one
                discardConnection("job " + job.id() + " was cancelled");
            }
            synchronized (this) {
                current = null;
                if (retired) {
                    releaseAll();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** True while a cancelled job is still returning or cleaning up here. */
    public synchronized boolean isCleaningUpAfterCancel() {
        return current != null && current.cancelled.get();
    }

    /** True while a job runs here (possibly one the runtime abandoned). */
    public synchronized boolean inUse() {
        return current != null;
    }

    /**
     * Takes this session out of service because the runtime reuses its slot number while an abandoned call
     * still runs here: the call's thread releases everything when it returns (or at once if it already has).
     */
    public synchronized void retire() {
        retired = true;
        if (current == null) {
            releaseAll();
        }
    }

    private void prepare(JobRun run) throws ExtractionException {
        if (closed) {
            throw ExtractionException.infrastructure("the extractor is closed", null);
        }
        BrowserProcess bp;
        try {
            bp = pool.acquire(browserIndex);
        } catch (BrowserLaunchException e) {
            throw ExtractionException.infrastructure("job " + run.job.id() + ": chromium #" + browserIndex
                    + " is not available: " + e.getMessage(), e);
        }
        RemoteConnection c = connection;
        if (c == null || !c.isOpen() || connectedTo != bp) {
            discardConnection(c == null ? "first job" : "reconnecting to " + bp);
            try {
                c = RemoteConnection.open(bp.wsEndpoint(), config.launchTimeout(), "docket-playwright-slot-" + slot);
            } catch (PlaywrightException e) {
                throw ExtractionException.infrastructure("job " + run.job.id() + ": cannot connect to " + bp + ": "
                        + firstLine(e.getMessage()), e);
            }
            connection = c;
            connectedTo = bp;
        }
        String proxyProblem = blockingProxy.ensureRunning();
        if (proxyProblem != null) {
            throw ExtractionException.infrastructure("job " + run.job.id() + ": " + proxyProblem, null);
        }
        String proxy = blockingProxy.address();
        Set<String> hosts = run.allowList.patterns();
        if (context != null && page.isClosed()) {
            log.debug("slot {}: the flow closed the session's page; starting a new session", slot);
            closeContext();
        }
        if (context != null) {
            closeOtherPages(run); // opened after the previous job returned (a timer on its page)
        }
        if (context != null && (!hosts.equals(contextHosts) || !proxy.equals(contextProxy))) {
            log.debug("slot {}: job {} has another allow-list (or blocking proxy) than the session's; starting a new session",
                    slot, run.job.id());
            closeContext();
        }
        if (context != null && !Duration.between(sessionStartedAt, clock.instant()).minus(config.sessionTimeout()).isNegative()) {
            log.debug("slot {}: session used for {} jobs reached sessionTimeout {}; recycling it", slot, jobsInSession,
                    config.sessionTimeout());
            closeContext();
        }
        if (context == null) {
            newContext(c.browser(), run.allowList, proxy);
        }
        run.attach(context, bp, c);
        if (run.isCancelled()) {
            throw cancelled(run, null);
        }
    }

    private void newContext(Browser browser, HostAllowList allowList, String proxy) {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions()
                .setAcceptDownloads(true)
                .setProxy(new Proxy(proxy).setBypass(allowList.proxyBypassList())));
        try {
            c.onRequestFailed(this::onRequestFailed);
            Page p = c.newPage();
            p.onFrameNavigated(frame -> {
                JobRun run = current;
                if (run != null && frame.parentFrame() == null && !run.allowList.allows(frame.url())
                        && !frame.url().startsWith("chrome-error:")) {
                    run.blocked(frame.url(), true);
                }
            });
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

    /**
     * Closes every page of the session but its own (popups, new tabs the job's pages opened), so that nothing a
     * job started keeps running into the next job of the reused session. If that fails, the whole session is
     * closed instead.
     */
    private void closeOtherPages(JobRun run) {
        try {
            for (Page p : context.pages()) {
                if (p != page) {
                    log.debug("slot {}: closing a page job {} left open: {}", slot, run.job.id(), JobRun.shorten(p.url()));
                    p.close();
                }
            }
        } catch (PlaywrightException e) {
            log.debug("slot {}: closing the pages job {} left open failed, closing its session: {}", slot, run.job.id(),
                    firstLine(e.getMessage()));
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
            log.debug("slot {}: collecting the renderer's garbage failed: {}", slot, firstLine(e.getMessage()));
        }
    }

    /** The session's user agent (for fetches made from this JVM), asked from the page once per session. */
    String userAgent() {
        if (userAgent == null) {
            userAgent = String.valueOf(page.evaluate("() => navigator.userAgent"));
        }
        return userAgent;
    }

    // ---- safety: what the blocking proxy stopped, seen from the page ----

    private void onRequestFailed(Request request) {
        JobRun run = current;
        if (run == null) {
            return;
        }
        try {
            if (!run.allowList.allows(request.url())) {
                run.blocked(request.url(), isMainFrameNavigation(request));
            }
        } catch (PlaywrightException e) {
            log.debug("slot {}: inspecting a failed request failed: {}", slot, firstLine(e.getMessage()));
        }
    }

    private static boolean isMainFrameNavigation(Request request) {
        try {
            return request.isNavigationRequest() && request.frame().parentFrame() == null;
        } catch (PlaywrightException e) {
            return false; // service worker requests have no frame
        }
    }

    static String resolve(String base, String reference) {
        try {
            return new URI(base).resolve(new URI(reference.trim())).toString();
        } catch (Exception e) {
            return null;
        }
    }

    // ---- failures ----

    private ExtractionException classify(Exception e, JobRun run) {
        long id = run.job.id();
        if (run.violation() != null) {
            return ExtractionException.permanent("job " + id + ": " + run.violation(), e);
        }
        if (e instanceof ExtractionException && ((ExtractionException) e).kind() == ExtractionException.Kind.PERMANENT) {
            return (ExtractionException) e;
        }
        if (run.isCancelled()) {
            return cancelled(run, e);
        }
        BrowserProcess bp = run.browser();
        if (bp != null && browserDied(bp, e)) {
            return ExtractionException.infrastructure("job " + id + ": " + bp + " died during the job (exit code "
                    + bp.exitCode() + ")", e);
        }
        RemoteConnection c = run.connection();
        if (c != null && !c.isOpen() && bp != null && !bp.isAlive()) {
            return ExtractionException.infrastructure("job " + id + ": the browser server of " + bp + " went away", e);
        }
        if (e instanceof ExtractionException) {
            return (ExtractionException) e;
        }
        if (e instanceof TimeoutError) {
            return ExtractionException.transientFailure("job " + id + ": timed out: " + firstLine(e.getMessage()), e);
        }
        if (e instanceof PlaywrightException) {
            return ExtractionException.transientFailure("job " + id + ": browser error: " + firstLine(e.getMessage()), e);
        }
        return ExtractionException.transientFailure("job " + id + ": " + e, e);
    }

    private static boolean browserDied(BrowserProcess bp, Exception e) {
        if (!bp.isAlive()) {
            return true;
        }
        if (e instanceof PlaywrightException && isClosedError((PlaywrightException) e)) {
            try {
                bp.onExit().get(CRASH_CONFIRM.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return !bp.isAlive();
            } catch (Exception timeout) {
                return false;
            }
        }
        return false;
    }

    private static boolean isClosedError(PlaywrightException e) {
        String m = String.valueOf(e.getMessage());
        return e.getClass().getSimpleName().equals("TargetClosedError") || m.contains("has been closed")
                || m.contains("Browser closed") || m.contains("connection closed") || m.contains("Target closed");
    }

    private static ExtractionException cancelled(JobRun run, Exception cause) {
        return ExtractionException.transientFailure("job " + run.job.id()
                + " was cancelled by the runtime (timeout or shutdown)", cause);
    }

    private void afterFailure(JobRun run, ExtractionException e) {
        // a session is recycled at once after any error
        closeContext();
        RemoteConnection c = connection;
        boolean infrastructure = e != null && e.kind() == ExtractionException.Kind.INFRASTRUCTURE;
        if (infrastructure || (c != null && !c.isOpen())) {
            discardConnection("job " + run.job.id() + " failed: " + (e == null ? "error" : e.kind()));
        }
    }

    // ---- cancellation (called from the runtime's thread) ----

    /**
     * Aborts {@code run}: closes its connection, so a blocked call fails at once and the browser server closes the
     * job's context; kills the browser if the job still has not returned after {@link #CANCEL_GRACE}. Quick, never
     * throws.
     */
    void cancel(JobRun run) {
        if (!run.cancelled.compareAndSet(false, true) || run.isFinished()) {
            return;
        }
        RemoteConnection c = run.connection();
        if (c != null) {
            c.close();
        }
        run.abortFetch();
        try {
            canceller.schedule(() -> escalate(run), CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("job {}: extractor closing, cancel escalation not scheduled", run.job.id());
        }
    }

    private void escalate(JobRun run) {
        if (run.isFinished()) {
            return;
        }
        BrowserProcess bp = run.browser();
        if (bp != null) {
            pool.kill(bp, "job " + run.job.id() + " did not return " + CANCEL_GRACE + " after it was cancelled"
                    + (bp.answers(BrowserPool.PING_TIMEOUT) ? "" : " and the browser does not answer"));
        }
    }

    // ---- teardown ----

    private void closeContext() {
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
            log.debug("slot {}: closing a context failed: {}", slot, firstLine(e.getMessage()));
        }
    }

    private void discardConnection(String why) {
        RemoteConnection c = connection;
        context = null;
        contextHosts = null;
        page = null;
        connectedTo = null;
        connection = null;
        if (c != null) {
            log.debug("slot {}: closing its Playwright connection: {}", slot, why);
            c.close(); // the browser server closes this connection's contexts
        }
    }

    /**
     * Closes everything this slot holds. Called by the extractor's {@code close()}, possibly while an abandoned
     * call still runs on this slot: that call then fails. Never throws.
     */
    public void closeFromOutside() {
        closed = true;
        releaseAll();
    }

    private void releaseAll() {
        discardConnection("the slot is released");
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String m = message.strip();
        if (m.startsWith("Error {")) {
            int i = m.indexOf("message='");
            if (i >= 0) {
                m = m.substring(i + "message='".length());
            }
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
