package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.spi.ClaimResult;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Claims jobs while the runtime can run them. {@link #runOnce()} is one pass: extractor ready, not too many
 * hanging extractions, sink ready, free slots; then one claim of up to {@code min(free, claimBatchSize)}
 * jobs, each dispatched to the job executor with its slot. It says how long to wait before the next pass;
 * {@link #run()} is the {@code docket-claim} thread's loop around it, woken early by {@link Slots#signal()}.
 */
public final class ClaimLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);

    /**
     * The result of one pass.
     *
     * @param claimed the jobs claimed (and dispatched) in this pass
     * @param pause   how long to wait before the next pass, unless woken (zero: go on at once)
     */
    public record Pass(List<Job> claimed, Duration pause) {
    }

    private final WorkerContext ctx;
    private final WorkerConfig config;
    private final String workerId;
    private final Slots slots;
    private final ExtractorSupervisor extractor;
    private final SinkSupervisor sink;
    private final JobExecutor executor;
    private final JobCompleter completer;
    private final Executor jobThreads;
    private final AtomicBoolean closing;
    private final BackoffSequence claimFailures = new BackoffSequence(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2);

    /** @param jobThreads where each claimed job is executed (the {@code docket-job} pool; a test may run it inline) */
    public ClaimLoop(WorkerContext ctx, Slots slots, ExtractorSupervisor extractor, SinkSupervisor sink,
            JobExecutor executor, JobCompleter completer, Executor jobThreads, AtomicBoolean closing) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.workerId = ctx.workerId();
        this.slots = slots;
        this.extractor = extractor;
        this.sink = sink;
        this.executor = executor;
        this.completer = completer;
        this.jobThreads = jobThreads;
        this.closing = closing;
    }

    @Override
    public void run() {
        MDC.put(WorkerRuntime.MDC_WORKER_ID, workerId);
        try {
            while (!closing.get()) {
                Duration wait;
                try {
                    wait = runOnce().pause();
                } catch (RuntimeException | Error e) {
                    log.error("worker {}: unexpected error in the claim loop; continuing", workerId, e);
                    wait = claimFailures.next();
                }
                if (!wait.isZero()) {
                    slots.awaitSignal(wait);
                }
            }
        } finally {
            MDC.remove(WorkerRuntime.MDC_WORKER_ID);
        }
    }

    /** One pass on the calling thread; never waits (jobs run wherever the job executor runs them). */
    public Pass runOnce() {
        if (closing.get()) {
            return new Pass(List.of(), Duration.ZERO);
        }
        Duration notReady = extractor.ensureReady();
        if (notReady != null) {
            return new Pass(List.of(), notReady);
        }
        if (extractor.tooManyAbandoned()) {
            return new Pass(List.of(), config.pollInterval());
        }
        notReady = sink.ensureReady();
        if (notReady != null) {
            return new Pass(List.of(), notReady);
        }
        int free = slots.free();
        if (free == 0) {
            return new Pass(List.of(), config.pollInterval());
        }
        int want = Math.min(free, config.claimBatchSize());
        List<Job> jobs;
        java.util.Optional<Duration> due;
        try {
            ClaimResult claimed = ctx.store().claimWithHint(workerId, want, config.lease());
            jobs = claimed.jobs();
            due = claimed.nextClaimableIn();
            ctx.storeHealth().succeeded();
            claimFailures.reset();
        } catch (RuntimeException e) {
            ctx.storeHealth().failed("claim", e);
            return new Pass(List.of(), claimFailures.next());
        }
        for (Job job : jobs) {
            dispatch(job);
        }
        return new Pass(jobs, jobs.size() < want ? shortClaimPause(due) : Duration.ZERO);
    }

    /** After a short claim: the poll interval, or sooner when the store said a held-back job is due sooner. */
    private Duration shortClaimPause(java.util.Optional<Duration> due) {
        Duration poll = config.pollInterval();
        return due.filter(d -> d.compareTo(poll) < 0).orElse(poll);
    }

    private void dispatch(Job job) {
        InFlight earlier = slots.get(job.id());
        if (earlier != null && !earlier.isDecided()) {
            // we claimed it again while our earlier claim was still running: that claim was reset, its lease lost
            completer.leaseLost(job.id(), "the job was reset and claimed again", true);
        }
        // an earlier claim already decided (its outcome written or being written, e.g. released and at once
        // claimable again) lost nothing: its own finishing write reports how it ended
        Integer slot = slots.take();
        if (slot == null) {
            // cannot happen: the loop claims at most the free slots, and only it takes slots
            log.error("worker {}: no free slot for claimed job {}; releasing it", workerId, job.id());
            releaseUnstarted(job, "no free slot");
            return;
        }
        InFlight f = new InFlight(job, slot, ctx.clock(), ctx.ticker(), config.jobTimeout());
        f.reportTo(ctx.store(), ctx.listeners(), ctx.sink());
        slots.hold(f);
        log.debug("worker {}: claimed job {} ({} / {}), attempt {}/{}", workerId, job.id(), job.documentSource(),
                job.documentNumber(), job.attempts(), job.maxAttempts());
        ctx.listeners().fire("onClaimed", l -> l.onClaimed(job));
        if (closing.get()) {
            releaseShuttingDown(f);
            return;
        }
        try {
            jobThreads.execute(() -> executor.execute(f));
        } catch (RejectedExecutionException e) {
            releaseShuttingDown(f);
        }
    }

    private void releaseShuttingDown(InFlight f) {
        if (f.decide()) {
            completer.write(f, JobOutcome.released("worker " + workerId + " shutting down"), null);
        }
    }

    private void releaseUnstarted(Job job, String reason) {
        try {
            ctx.store().finish(job.lease(), JobOutcome.released(reason));
        } catch (RuntimeException e) {
            log.warn("worker {}: could not release job {} ({}); its lease will expire", workerId, job.id(), reason, e);
        }
    }
}
