package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.RegistryFlow;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One slot's run of a job: prepares its {@link BrowserSession} (connection, reused context and page, guarded by
 * an {@link AllowListGuard}), runs the flow, turns any failure into an {@link ExtractionException} through
 * {@link PlaywrightErrors}, and handles the runtime's cancellation (abort the connection, kill the browser after
 * {@link #CANCEL_GRACE}). Used by one slot thread at a time; {@link #cancel} and {@link #closeFromOutside} are the
 * only methods called from other threads.
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
    /** How long a call that failed with "closed" waits for the browser process to be seen dead. */
    private static final Duration CRASH_CONFIRM = Duration.ofMillis(500);

    private final int slot;
    private final int browserIndex;
    private final PlaywrightConfig config;
    private final BrowserPool pool;
    private final ScheduledExecutorService canceller;
    private final BlockingProxy blockingProxy;
    private final BrowserSession session;
    private final dev.docket.extractor.playwright.internal.snapshot.Snapshotter snapshots;

    private volatile JobRun current;
    /** The browser the current job leased from the pool (slot thread only), released when the job ends. */
    private BrowserProcess leased;
    private volatile boolean closed;
    /** Set when the runtime reuses this slot number while an abandoned call still runs here. */
    private boolean retired;

    /**
     * @param blockingProxy the extractor's {@link BlockingProxy}
     * @param snapshots     the extractor's failure snapshots
     */
    public SlotSession(int slot, PlaywrightConfig config, BrowserPool pool, Clock clock, ScheduledExecutorService canceller,
                       BlockingProxy blockingProxy, dev.docket.extractor.playwright.internal.snapshot.Snapshotter snapshots) {
        this.slot = slot;
        this.browserIndex = slot / config.slotsPerBrowser();
        this.config = config;
        this.pool = pool;
        this.canceller = canceller;
        this.blockingProxy = blockingProxy;
        this.snapshots = snapshots;
        this.session = new BrowserSession(slot, config, clock, new AllowListGuard(slot, () -> current));
    }

    /** Sessions (contexts) created by this slot so far. */
    public long sessionsCreated() {
        return session.sessionsCreated();
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
                throw PlaywrightErrors.cancelled(job.id(), null);
            }
            if (ctx.remaining().isZero()) {
                throw ExtractionException.transientFailure("job " + job.id() + ": its deadline passed before the browser was ready", null);
            }
            prepare(run);
            DefaultFlowContext flowContext = new DefaultFlowContext(run, session.page(), config, session);
            flowContext.applyTimeouts();
            Document document = flow.run(session.page(), job, flowContext);
            if (run.violation() != null) {
                throw ExtractionException.permanent("job " + job.id() + ": " + run.violation());
            }
            if (run.isCancelled()) {
                throw PlaywrightErrors.cancelled(job.id(), null);
            }
            if (document == null) {
                throw ExtractionException.transientFailure("job " + job.id() + ": the flow for source '"
                        + job.documentSource() + "' returned no document", null);
            }
            session.jobSucceeded(job.id());
            return document;
        } catch (Exception e) {
            // Playwright turns an interrupt into an exception and clears the flag: restore it at the end
            interrupted = Thread.interrupted() | PlaywrightErrors.causedByInterrupt(e);
            if (interrupted) {
                run.cancelled.set(true);
            }
            ExtractionException classified = PlaywrightErrors.throttledIfAsked(classify(e, run), job.id(), run.evidence(),
                    run.now());
            snapshots.capture(job, ctx, run.evidence(), classified); // before afterFailure closes the page
            afterFailure(run, classified);
            throw classified;
        } catch (Error e) {
            afterFailure(run, null);
            throw e;
        } finally {
            run.evidence().detach();
            run.finish();
            if (run.cancelled.get()) {
                // the runtime's thread aborted the connection to release the job: the next job opens a new one
                session.discardConnection("job " + job.id() + " was cancelled");
            }
            synchronized (this) {
                current = null;
                if (retired) {
                    releaseAll();
                }
            }
            BrowserProcess used = leased;
            leased = null;
            if (used != null) {
                pool.release(used);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
            bp = pool.lease(browserIndex, slot);
            leased = bp;
        } catch (BrowserLaunchException e) {
            throw ExtractionException.infrastructure("job " + run.job.id() + ": chromium #" + browserIndex
                    + " is not available: " + e.getMessage(), e);
        }
        RemoteConnection c = session.connect(bp, run.job.id());
        String proxyProblem = blockingProxy.ensureRunning();
        if (proxyProblem != null) {
            throw ExtractionException.infrastructure("job " + run.job.id() + ": " + proxyProblem, null);
        }
        session.prepare(c, run.allowList, blockingProxy.address(), run.job.id());
        run.attach(session.context(), bp, c);
        if (run.isCancelled()) {
            throw PlaywrightErrors.cancelled(run.job.id(), null);
        }
    }

    // ---- failures ----

    private ExtractionException classify(Exception e, JobRun run) {
        BrowserProcess bp = run.browser();
        RemoteConnection c = run.connection();
        boolean decided = run.violation() != null || run.isCancelled();
        boolean died = !decided && bp != null && browserDied(bp, e);
        boolean serverGone = !decided && c != null && !c.isOpen() && bp != null && !bp.isAlive();
        return PlaywrightErrors.classify(e, new PlaywrightErrors.Facts(run.job.id(), run.violation(), run.isCancelled(),
                died, serverGone, String.valueOf(bp), bp == null ? 0 : bp.exitCode()));
    }

    /** Whether {@code bp} is dead, waiting {@link #CRASH_CONFIRM} for its process when {@code e} says "closed". */
    private static boolean browserDied(BrowserProcess bp, Exception e) {
        if (!bp.isAlive()) {
            return true;
        }
        if (!PlaywrightErrors.mayMeanTheBrowserDied(e)) {
            return false;
        }
        try {
            bp.onExit().get(CRASH_CONFIRM.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return !bp.isAlive();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notDead) {
            return false;
        }
    }

    private void afterFailure(JobRun run, ExtractionException e) {
        // a session is recycled at once after any error
        session.closeContext();
        RemoteConnection c = session.connection();
        boolean infrastructure = e != null && e.kind() == ExtractionException.Kind.INFRASTRUCTURE;
        if (infrastructure || (c != null && !c.isOpen())) {
            session.discardConnection("job " + run.job.id() + " failed: " + (e == null ? "error" : e.kind()));
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

    /**
     * Closes everything this slot holds. Called by the extractor's {@code close()}, possibly while an abandoned
     * call still runs on this slot: that call then fails. Never throws.
     */
    public void closeFromOutside() {
        closed = true;
        releaseAll();
    }

    private void releaseAll() {
        session.discardConnection("the slot is released");
    }
}
