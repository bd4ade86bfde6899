package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one timeout path: {@link #checkOnce()} times out every undecided job past its {@code jobTimeout}, by the
 * runtime's clock or by the ticker, whichever says so first ({@link InFlight#isOverdue()}). With the system
 * ticker a job therefore times out in real time even when an injected clock stands still; with a manual clock
 * and ticker, only a test moves it. A timed-out job is cancelled (callbacks, interrupt) and its outcome (retry
 * per the {@link RetryPolicy}, or failed when attempts are exhausted) written on the writer executor.
 */
public final class TimeoutWatchdog {
    private static final Logger log = LoggerFactory.getLogger(TimeoutWatchdog.class);
    /** Shortest period of the watchdog. */
    public static final long MIN_TICK_MS = 10;

    private final WorkerContext ctx;
    private final Slots slots;
    private final ExtractorSupervisor extractor;
    private final JobCompleter completer;
    private final Retries retries;
    private final Executor writer;

    /** @param writer where the outcome of a timed-out job is written (the {@code docket-writer} thread) */
    public TimeoutWatchdog(WorkerContext ctx, Slots slots, ExtractorSupervisor extractor, JobCompleter completer,
            Retries retries, Executor writer) {
        this.ctx = ctx;
        this.slots = slots;
        this.extractor = extractor;
        this.completer = completer;
        this.retries = retries;
        this.writer = writer;
    }

    /**
     * How often the watchdog looks for overdue jobs: a twentieth of the job timeout, between {@value #MIN_TICK_MS}
     * ms and 1 s, so a job is aborted at most that late.
     */
    public static Duration tick(Duration jobTimeout) {
        long ms = Math.max(MIN_TICK_MS, Math.min(1_000, jobTimeout.toMillis() / 20));
        return Duration.ofMillis(ms);
    }

    /** One pass: times out every in-flight job past its deadline. Returns the ids of the jobs it timed out. */
    public List<Long> checkOnce() {
        List<Long> timedOut = new ArrayList<>();
        for (InFlight f : slots.inFlight()) {
            if (!f.isDecided() && f.isOverdue() && timeOut(f)) {
                timedOut.add(f.job().id());
            }
        }
        return timedOut;
    }

    /** {@link #checkOnce()} for a scheduler: logs a failure instead of throwing it. */
    public void checkQuietly() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            log.warn("worker {}: the timeout watchdog failed; it runs again in {}", ctx.workerId(),
                    Durations.format(tick(ctx.config().jobTimeout())), e);
        }
    }

    /**
     * Times out {@code f} now if it is overdue and undecided: the job thread calls this when its attempt ends, so
     * an attempt that ends (or whose sink gives up) past the timeout is recorded as timed out, as if the watchdog
     * had looked at that very moment rather than up to one tick later.
     *
     * @return true when this call timed it out
     */
    public boolean timeOutIfOverdue(InFlight f) {
        return !f.isDecided() && f.isOverdue() && timeOut(f);
    }

    private boolean timeOut(InFlight f) {
        if (!f.decide()) {
            return false;
        }
        Job job = f.job();
        Duration timeout = ctx.config().jobTimeout();
        f.cancel();
        extractor.noteIfAbandoned(f);
        String msg = "timed out after " + Durations.format(timeout) + " (attempt " + job.attempts() + "/"
                + job.maxAttempts() + ")";
        JobOutcome decided;
        if (job.attempts() >= job.maxAttempts()) {
            decided = JobOutcome.failed(msg + "; attempts exhausted").recordedAs(JobEventType.TIMED_OUT);
        } else {
            RetryPolicy.Decision d = retries.decide(job, new TimeoutException(msg));
            decided = d.retry()
                    ? JobOutcome.retryLater(msg, d.delay()).recordedAs(JobEventType.TIMED_OUT)
                    : JobOutcome.failed(msg + "; not retried (retry policy)").recordedAs(JobEventType.TIMED_OUT);
        }
        JobOutcome outcome = decided.countedAgainstSource(); // a timeout is a transient failure of the source
        log.warn("job {} ({} / {}) on worker {} {}; extraction aborted, {}", job.id(), job.documentSource(),
                job.documentNumber(), ctx.workerId(), msg, outcome.kind() == JobOutcome.Kind.FAILED ? "failing it"
                        : "retrying in " + Durations.format(outcome.delay()));
        ctx.listeners().fire("onTimedOut", l -> l.onTimedOut(job, timeout));
        try {
            writer.execute(() -> completer.write(f, outcome, null));
        } catch (RejectedExecutionException e) {
            completer.write(f, outcome, null);
        }
        return true;
    }
}
