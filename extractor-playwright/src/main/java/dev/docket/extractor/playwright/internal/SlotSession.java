package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.TimeoutError;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One slot's browser machinery: its own Playwright connection (Playwright objects are not thread-safe), a CDP
 * connection to the slot's shared chromium, and the reused session (context + page). Used by one slot thread
 * at a time; {@link #cancel} and {@link #closeFromOutside} are the only methods called from other threads.
 */
public final class SlotSession {
    private static final Logger log = LoggerFactory.getLogger(SlotSession.class);
    /** How long a cancelled job may take to return before its driver (or its unresponsive browser) is killed. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(5);
    /** How long a call that failed with "closed" waits for the browser process to be seen dead. */
    private static final Duration CRASH_CONFIRM = Duration.ofMillis(500);

    private final int slot;
    private final int browserIndex;
    private final PlaywrightConfig config;
    private final BrowserPool pool;
    private final PlaywrightFactory factory;
    private final Clock clock;
    private final ScheduledExecutorService canceller;
    private final SpareConnections spares;

    private volatile PlaywrightFactory.Connection connection;
    private Browser browser;
    private BrowserProcess connectedTo;
    private BrowserContext context;
    private Page page;
    private Instant sessionStartedAt;
    private int jobsInSession;
    private long sessionsCreated;
    private volatile JobRun current;
    private volatile boolean closed;
    /** Set when the runtime reuses this slot number while an abandoned call still runs here. */
    private boolean retired;

    /** Hands the connection made by {@code start()} to the first slot that needs one. */
    public interface SpareConnections {
        PlaywrightFactory.Connection take();
    }

    public SlotSession(int slot, PlaywrightConfig config, BrowserPool pool, PlaywrightFactory factory, Clock clock,
                       ScheduledExecutorService canceller, SpareConnections spares) {
        this.slot = slot;
        this.browserIndex = slot / config.slotsPerBrowser();
        this.config = config;
        this.pool = pool;
        this.factory = factory;
        this.clock = clock;
        this.canceller = canceller;
        this.spares = spares;
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
            DefaultFlowContext flowContext = new DefaultFlowContext(run, page, config);
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
            jobsInSession++;
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
                // the connection was used from the runtime's thread to abort the job: do not trust it again
                run.awaitCancelClose(CANCEL_GRACE.toMillis());
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
        if (browser == null || connectedTo != bp || !browser.isConnected()) {
            dropBrowserConnection();
            if (connection == null) {
                PlaywrightFactory.Connection spare = spares.take();
                try {
                    connection = spare != null ? spare : factory.create();
                } catch (RuntimeException e) {
                    throw ExtractionException.infrastructure("job " + run.job.id() + ": cannot start a Playwright driver: "
                            + firstLine(e.getMessage()), e);
                }
            }
            try {
                browser = connection.playwright.chromium().connectOverCDP(bp.wsEndpoint(),
                        new BrowserType.ConnectOverCDPOptions().setTimeout(config.launchTimeout().toMillis()));
                connectedTo = bp;
            } catch (PlaywrightException e) {
                throw ExtractionException.infrastructure("job " + run.job.id() + ": cannot connect to " + bp + ": "
                        + firstLine(e.getMessage()), e);
            }
        }
        if (context != null && !Duration.between(sessionStartedAt, clock.instant()).minus(config.sessionTimeout()).isNegative()) {
            log.debug("slot {}: session used for {} jobs reached sessionTimeout {}; recycling it", slot, jobsInSession,
                    config.sessionTimeout());
            closeContext();
        }
        if (context == null) {
            newContext();
        }
        run.attach(context, bp);
        if (run.isCancelled()) {
            throw cancelled(run, null);
        }
    }

    private void newContext() {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true));
        try {
            c.route("**/*", this::onRoute);
            c.onRequest(this::onRequest);
            c.onResponse(this::onResponse);
            Page p = c.newPage();
            p.onFrameNavigated(frame -> {
                JobRun run = current;
                if (run != null && frame.parentFrame() == null && !run.allowList.allows(frame.url())
                        && !frame.url().startsWith("chrome-error:")) {
                    run.blocked(frame.url(), true);
                }
            });
            context = c;
            page = p;
            sessionStartedAt = clock.instant();
            jobsInSession = 0;
            sessionsCreated++;
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    // ---- safety: every request the browser makes goes through here (redirect hops excepted, see below) ----

    private void onRoute(Route route) {
        try {
            JobRun run = current;
            Request request = route.request();
            String url = request.url();
            if (run == null) {
                route.abort("blockedbyclient");
                return;
            }
            boolean mainFrame = isMainFrameNavigation(request);
            if (!run.allowList.allows(url)) {
                run.blocked(url, mainFrame);
                route.abort("blockedbyclient");
                return;
            }
            if (mainFrame && (url.startsWith("http:") || url.startsWith("https:"))) {
                navigateChecked(route, run);
                return;
            }
            route.resume();
        } catch (PlaywrightException e) {
            // the page or context went away while the request was paused (cancel, recycle, crash)
            log.debug("slot {}: routing {} failed: {}", slot, JobRun.shorten(route.request().url()), firstLine(e.getMessage()));
        }
    }

    /**
     * A main-frame navigation is fetched without following redirects, so that every hop's host is checked
     * before the browser goes there (the browser follows redirects itself, past the route handler). An
     * allowed redirect is turned into a fresh navigation to the target, which comes through here again.
     */
    private void navigateChecked(Route route, JobRun run) {
        APIResponse response = route.fetch(new Route.FetchOptions()
                .setMaxRedirects(0)
                .setTimeout(Math.max(1, Math.min(config.navigationTimeout().toMillis(), run.context.remaining().toMillis()))));
        try {
            int status = response.status();
            String location = response.headers().get("location");
            if (status >= 300 && status < 400 && location != null) {
                String target = resolve(route.request().url(), location);
                if (target == null || !run.allowList.allows(target)) {
                    run.blocked(target == null ? location : target, true);
                    route.abort("blockedbyclient");
                    return;
                }
                if ((status == 307 || status == 308) && !"GET".equals(route.request().method())) {
                    // method-preserving redirect of a form post: the browser must repeat the body; it follows this
                    // one hop itself (onRequest still checks it)
                    route.fulfill(new Route.FulfillOptions().setResponse(response));
                    return;
                }
                route.fulfill(new Route.FulfillOptions()
                        .setStatus(200)
                        .setContentType("text/html; charset=utf-8")
                        .setBody(redirectPage(target)));
                return;
            }
            route.fulfill(new Route.FulfillOptions().setResponse(response));
        } finally {
            try {
                response.dispose();
            } catch (PlaywrightException e) {
                log.debug("slot {}: disposing a navigation response failed: {}", slot, firstLine(e.getMessage()));
            }
        }
    }

    private static String redirectPage(String target) {
        StringBuilder js = new StringBuilder("\"");
        for (char ch : target.toCharArray()) {
            if (ch < 0x20 || ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '&' || ch == '\'' || ch > 0x7e) {
                js.append(String.format("\\u%04x", (int) ch));
            } else {
                js.append(ch);
            }
        }
        js.append('"');
        return "<!doctype html><html><head><meta name=\"referrer\" content=\"no-referrer-when-downgrade\"></head>"
                + "<body><script>location.replace(" + js + ");</script></body></html>";
    }

    private void onRequest(Request request) {
        JobRun run = current;
        if (run == null) {
            return;
        }
        try {
            // redirect hops never reach the route handler: check them here (the job fails if it was the main frame)
            if (request.redirectedFrom() != null && !run.allowList.allows(request.url())) {
                run.blocked(request.url(), isMainFrameNavigation(request));
            }
        } catch (PlaywrightException e) {
            log.debug("slot {}: inspecting a request failed: {}", slot, firstLine(e.getMessage()));
        }
    }

    private void onResponse(Response response) {
        JobRun run = current;
        if (run == null) {
            return;
        }
        try {
            String type = response.headers().get("content-type");
            if (type != null) {
                run.rememberContentType(response.url(), type);
            }
        } catch (PlaywrightException e) {
            log.debug("slot {}: inspecting a response failed: {}", slot, firstLine(e.getMessage()));
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
        if (connection != null && connection.driverPid != null
                && ProcessHandle.of(connection.driverPid).map(p -> !p.isAlive()).orElse(true)) {
            return ExtractionException.infrastructure("job " + id + ": the Playwright driver of slot " + slot + " died", e);
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
        if (run.cancelled.get()) {
            run.awaitCancelClose(CANCEL_GRACE.toMillis());
        }
        closeContext();
        if (e != null && e.kind() == ExtractionException.Kind.INFRASTRUCTURE) {
            dropBrowserConnection();
            if (connection != null && connection.driverPid != null
                    && ProcessHandle.of(connection.driverPid).map(p -> !p.isAlive()).orElse(true)) {
                discardConnection("its driver died");
            }
        }
    }

    // ---- cancellation (called from the runtime's thread) ----

    /** Aborts {@code run}: closes its context so a blocked call returns; escalates if it does not. Quick, never throws. */
    void cancel(JobRun run) {
        if (!run.cancelled.compareAndSet(false, true) || run.isFinished()) {
            return;
        }
        BrowserContext c = run.browserContext();
        try {
            if (c != null) {
                run.cancelClose(canceller.submit(() -> {
                    if (!run.isFinished()) {
                        try {
                            c.close();
                        } catch (RuntimeException e) {
                            log.debug("job {}: closing the context on cancel: {}", run.job.id(), firstLine(e.getMessage()));
                        }
                    }
                }));
            }
            canceller.schedule(() -> escalate(run), CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("job {}: extractor closing, cancel not scheduled", run.job.id());
        }
    }

    private void escalate(JobRun run) {
        if (run.isFinished()) {
            return;
        }
        BrowserProcess bp = run.browser();
        if (bp != null && bp.isAlive() && !bp.answers(BrowserPool.PING_TIMEOUT)) {
            pool.kill(bp, "it did not release cancelled job " + run.job.id() + " and does not answer");
            return;
        }
        PlaywrightFactory.Connection c = connection;
        if (c != null && c.driverPid != null) {
            log.warn("job {} did not return {} after it was cancelled; killing slot {}'s Playwright driver (pid {})",
                    run.job.id(), CANCEL_GRACE, slot, c.driverPid);
            c.killDriver();
        } else if (bp != null) {
            pool.kill(bp, "job " + run.job.id() + " did not return after it was cancelled");
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

    private void dropBrowserConnection() {
        closeContext();
        Browser b = browser;
        browser = null;
        connectedTo = null;
        if (b != null) {
            try {
                b.close(); // over CDP this disconnects; the browser keeps running for the other slots
            } catch (RuntimeException e) {
                log.debug("slot {}: disconnecting from the browser failed: {}", slot, firstLine(e.getMessage()));
            }
        }
    }

    private void discardConnection(String why) {
        log.debug("slot {}: replacing its Playwright connection: {}", slot, why);
        PlaywrightFactory.Connection c = connection;
        if (c == null) {
            return;
        }
        // closing the driver drops its CDP connection and contexts with it
        context = null;
        page = null;
        browser = null;
        connectedTo = null;
        connection = null;
        c.close();
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
        PlaywrightFactory.Connection c = connection;
        connection = null;
        context = null;
        page = null;
        browser = null;
        connectedTo = null;
        if (c != null) {
            c.close();
        }
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
