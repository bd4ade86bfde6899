package dev.docket.queue.internal;

import dev.docket.queue.Extractor;
import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the extractor ready for the claim loop: starts it, checks its health before each claim, restarts it
 * with back-off when it is down or a job asked for it (infrastructure failure), announces up/down once
 * per change, and applies the abandoned-threads rule (claim nothing while more extraction threads hang than
 * {@code concurrency}). An extractor that says it is {@link ExtractorHealth#holding() holding} (working, but
 * no new job now, e.g. above its memory high-water mark) gets no claim and no restart; the worker is DEGRADED
 * with its detail until it is ready again. With {@code concurrency auto} the slots in use follow the
 * extractor's {@link ExtractorHealth#slots()}. {@link #ensureReady()} and {@link #tooManyAbandoned()} run on the
 * claim thread only; the rest is thread-safe.
 */
public final class ExtractorSupervisor {
    private static final Logger log = LoggerFactory.getLogger(ExtractorSupervisor.class);

    private final Extractor extractor;
    private final Listeners listeners;
    private final String workerId;
    private final int concurrency;
    private final boolean concurrencyAuto;
    private final Duration pollInterval;
    private final Slots slots;
    private final AtomicBoolean closing;
    private final Runnable announce;
    private final BackoffSequence failures;
    private final AtomicBoolean restartRequested = new AtomicBoolean();
    /** Jobs decided (timed out, lease lost, released) whose extract() call has not returned: their threads hang. */
    private final Set<InFlight> abandoned = ConcurrentHashMap.newKeySet();
    private volatile boolean started;
    private volatile String problem;
    /** {@link #problem} without its attempt number and retry delay, to log each change once (claim thread). */
    private String problemReason = "";
    private volatile String abandonedProblem;
    /** Whether listeners were told the current extractor instance is ready (claim thread only). */
    private boolean upAnnounced;
    /** Why the extractor holds claims (its holding health's detail), or null. */
    private volatile String holdProblem;
    /** The health last returned by the extractor, or null. */
    private volatile ExtractorHealth lastHealth;

    /**
     * @param announce called after a change worth reporting at once in the worker row (a heartbeat)
     */
    public ExtractorSupervisor(WorkerContext ctx, Slots slots, AtomicBoolean closing, Runnable announce) {
        this.extractor = ctx.extractor();
        this.listeners = ctx.listeners();
        this.workerId = ctx.workerId();
        this.concurrency = ctx.config().concurrency();
        this.concurrencyAuto = ctx.config().concurrencyAuto();
        this.pollInterval = ctx.config().pollInterval();
        this.slots = slots;
        this.closing = closing;
        this.announce = announce;
        this.failures = new BackoffSequence(ctx.config().extractorRestartBackoff(), Duration.ofMinutes(1), 0.2);
        if (concurrencyAuto) {
            slots.limit(1); // until the extractor says how many it can run
        }
    }

    /**
     * One readiness step: null when the extractor is started and healthy; otherwise it (re)starts it or
     * records why it is down, and returns how long the claim loop should wait before the next pass (zero: at
     * once, e.g. to check the health of an extractor just started).
     */
    public Duration ensureReady() {
        if (started && !restartRequested.get()) {
            ExtractorHealth h;
            try {
                h = extractor.health();
            } catch (RuntimeException e) {
                h = ExtractorHealth.down("health() threw " + e);
            }
            if (h != null) {
                seen(h);
            }
            if (h != null && h.holding()) {
                failures.reset();
                announceUp();
                hold(h.detail());
                return pollInterval;
            }
            if (h != null && h.ready()) {
                failures.reset();
                endHold();
                if (problem != null || !upAnnounced) {
                    boolean recovered = problem != null;
                    problem = null;
                    problemReason = "";
                    upAnnounced = true;
                    log.info("worker {}: extractor ready", workerId);
                    listeners.fire("onExtractorUp", WorkerListener::onExtractorUp);
                    if (recovered) {
                        announce.run();
                    }
                }
                return null;
            }
            String detail = h == null ? "health() returned null" : h.detail();
            Duration delay = failures.next();
            down("extractor not ready: " + detail + "; restarting it in " + Durations.format(delay), null);
            restartRequested.set(true);
            return delay;
        }
        if (started) {
            // restart: wait until the jobs still running on the old extractor are decided
            if (!slots.isEmpty()) {
                return pollInterval;
            }
            closeExtractor();
            started = false;
        }
        if (closing.get()) {
            return Duration.ZERO;
        }
        try {
            extractor.start();
            started = true;
            upAnnounced = false;
            restartRequested.set(false);
            log.info("worker {}: extractor {} started", workerId, extractor.getClass().getSimpleName());
            return Duration.ZERO; // the next pass checks its health before claiming
        } catch (Exception | Error e) {
            Duration delay = failures.next();
            down("extractor failed to start (attempt " + failures.failures() + "): " + Failures.describe(e)
                    + "; retrying in " + Durations.format(delay), e);
            return delay;
        }
    }

    /** The extractor answered holding after being down or started: it is up, only busy. */
    private void announceUp() {
        if (problem != null || !upAnnounced) {
            problem = null;
            problemReason = "";
            upAnnounced = true;
            log.info("worker {}: extractor ready", workerId);
            listeners.fire("onExtractorUp", WorkerListener::onExtractorUp);
        }
    }

    private void hold(String detail) {
        boolean first = holdProblem == null;
        holdProblem = "extractor holds new claims: " + detail;
        if (first) {
            log.warn("worker {}: {}; claiming nothing until it is ready (no attempt is spent)", workerId, detail);
            announce.run();
        } else {
            log.debug("worker {}: {}", workerId, holdProblem);
        }
    }

    private void endHold() {
        if (holdProblem != null) {
            holdProblem = null;
            log.info("worker {}: extractor takes jobs again: {}", workerId, lastHealth == null ? "ready" : lastHealth.detail());
            announce.run();
        }
    }

    /** Records a health answer: slots (concurrency auto) and, when it changed, tells the listeners. */
    private void seen(ExtractorHealth h) {
        ExtractorHealth before = lastHealth;
        lastHealth = h;
        if (concurrencyAuto) {
            int want = h.slots() > 0 ? h.slots() : Math.min(WorkerConfig.DEFAULT_CONCURRENCY, concurrency);
            int was = slots.limit();
            int now = slots.limit(want);
            if (now != was || before == null) {
                log.info("worker {}: concurrency auto: {} slot(s) (the extractor {}, at most {})", workerId, now,
                        h.slots() > 0 ? "can run " + h.slots() : "does not say how many it can run", concurrency);
                announce.run();
            }
        }
        if (!h.equals(before)) {
            listeners.fire("onExtractorHealth", l -> l.onExtractorHealth(h));
        }
    }

    /** The health the extractor last returned (before a claim), or null before the first. */
    public ExtractorHealth lastHealth() {
        return lastHealth;
    }

    /**
     * Records that the extractor is down. Logged once per change of state: ERROR (with the stack) the first
     * time, WARN when the reason changes, DEBUG while the same reason repeats at every retry.
     */
    private void down(String why, Throwable e) {
        boolean first = problem == null;
        String reason = problemReason(why);
        boolean changed = !reason.equals(problemReason);
        problem = why;
        problemReason = reason;
        if (first) {
            log.error("worker {}: {} — claiming nothing until it is ready", workerId, why, e);
        } else if (changed) {
            log.warn("worker {}: {}", workerId, why);
        } else {
            log.debug("worker {}: {}", workerId, why);
        }
        listeners.fire("onExtractorDown", l -> l.onExtractorDown(why, e));
        announce.run();
    }

    /** The problem text without "(attempt N)" and the trailing retry delay. */
    public static String problemReason(String problem) {
        return problem.replaceAll(" \\(attempt \\d+\\)", "").replaceAll("; (retrying|restarting it) in [^;]*$", "");
    }

    /** Asks for a restart before the next claim (an infrastructure failure, too many hanging threads). */
    public void requestRestart() {
        restartRequested.set(true);
    }

    /**
     * True while a job thread may start a prefetched job without a claim pass: started, no restart asked for, not
     * down, not holding, no hanging threads over the limit. Cheap (volatile reads); the claim pass checks the rest.
     */
    public boolean takesJobs() {
        return started && !restartRequested.get() && problem == null && holdProblem == null
                && abandonedProblem == null;
    }

    /** True once {@code start()} succeeded on the current instance. */
    public boolean started() {
        return started;
    }

    /** Why the extractor is not ready, or why it holds new claims, or null. */
    public String problem() {
        String p = problem;
        return p != null ? p : holdProblem;
    }

    /** Why claiming stopped because of hanging extraction threads, or null. */
    public String abandonedProblem() {
        return abandonedProblem;
    }

    /** Closes the extractor if it was started (shutdown). */
    public void close() {
        if (started) {
            closeExtractor();
        }
    }

    private void closeExtractor() {
        try {
            extractor.close();
        } catch (Exception | Error e) {
            log.warn("worker {}: extractor close() threw; ignored", workerId, e);
        }
    }

    // ---------------------------------------------------------------- abandoned extractions

    /** Counts the extraction of a job just decided without it while its extract() call is still running. */
    public void noteIfAbandoned(InFlight f) {
        if (f.isExtracting()) {
            abandoned.add(f);
        }
    }

    /** Called when a job's extract() call returned: true when it had been abandoned (it no longer counts). */
    public boolean returned(InFlight f) {
        return abandoned.remove(f);
    }

    /** Extraction threads still running although their job was decided without them (timed out, lease lost). */
    public int abandonedExtractions() {
        abandoned.removeIf(f -> !f.isExtracting());
        return abandoned.size();
    }

    /**
     * True while more extraction threads hang than {@code concurrency}: each one ignored the interrupt and the
     * cancel callbacks of its job, so more jobs would only add more. The runtime then claims nothing, reports
     * DEGRADED with the count, and restarts the extractor once (which usually unblocks them). It claims again
     * as soon as enough of them have returned.
     */
    public boolean tooManyAbandoned() {
        int hanging = abandonedExtractions();
        if (hanging > concurrency) {
            if (abandonedProblem == null) {
                abandonedProblem = hanging + " extraction thread(s) kept running after their job ended (timed out or "
                        + "lease lost) and ignore interruption (limit " + concurrency + ", the concurrency); claiming "
                        + "nothing and restarting the extractor";
                log.error("worker {}: {}", workerId, abandonedProblem);
                restartRequested.set(true);
                announce.run();
            }
            return true;
        }
        if (abandonedProblem != null) {
            abandonedProblem = null;
            log.info("worker {}: abandoned extraction threads are down to {} (limit {}); claiming again", workerId,
                    hanging, concurrency);
            announce.run();
        }
        return false;
    }
}
