package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.spi.ClaimResult;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Claims jobs while the runtime can run them. {@link #runOnce()} is one pass: extractor ready, not too many
 * hanging extractions, sink ready, free slots (or room for prefetched jobs); then one claim of up to
 * {@code min(free + prefetch room, claimBatchSize)} jobs, each started in a free slot on a job thread or, with
 * every slot busy, held as a prefetched job until a slot frees (the job thread whose job ended starts it). It says how long to wait before the next pass;
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
            giveBackPrefetched("the extractor is not ready");
            return new Pass(List.of(), notReady);
        }
        if (extractor.tooManyAbandoned()) {
            giveBackPrefetched("too many extraction threads hang");
            return new Pass(List.of(), config.pollInterval());
        }
        notReady = sink.ensureReady();
        if (notReady != null) {
            giveBackPrefetched("the document sink is not ready");
            return new Pass(List.of(), notReady);
        }
        startPrefetched();
        int free = slots.free();
        int room = prefetchRoom(free);
        if (free + room == 0) {
            return new Pass(List.of(), config.pollInterval());
        }
        int want = Math.min(free + room, config.claimBatchSize());
        List<Job> jobs;
        Optional<Duration> due;
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
        startPrefetched();
        return new Pass(jobs, jobs.size() < want ? shortClaimPause(due) : Duration.ZERO);
    }

    /** After a short claim: the poll interval, or sooner when the store said a held-back job is due sooner. */
    private Duration shortClaimPause(Optional<Duration> due) {
        Duration poll = config.pollInterval();
        return due.filter(d -> d.compareTo(poll) < 0).orElse(poll);
    }

    /**
     * How many jobs to claim ahead beyond the free slots: up to {@code prefetch} held, but with every slot busy only
     * once at most half of them still wait (a claim per ended job would cost a round trip per job again).
     */
    private int prefetchRoom(int free) {
        int room = Math.max(0, slots.prefetch() - slots.readyCount());
        return free > 0 || room >= (slots.prefetch() + 1) / 2 ? room : 0;
    }

    private void dispatch(Job job) {
        InFlight earlier = slots.get(job.id());
        if (earlier != null && !earlier.isDecided()) {
            // we claimed it again while our earlier claim was still running: that claim was reset, its lease lost
            completer.leaseLost(job.id(), "the job was reset and claimed again", true);
        }
        // an earlier claim already decided (its outcome written or being written, e.g. released and at once
        // claimable again) lost nothing: its own finishing write reports how it ended
        if (slots.dropReady(job.id(), null)) {
            completer.leaseLost(job.id(), "the job was reset and claimed again while it waited for a slot", false);
        }
        if (log.isDebugEnabled()) { // six arguments: a varargs array and two boxed ints per claimed job otherwise
            log.debug("worker {}: claimed job {} ({} / {}), attempt {}/{}", workerId, job.id(), job.documentSource(),
                    job.documentNumber(), job.attempts(), job.maxAttempts());
        }
        ctx.listeners().fire("onClaimed", l -> l.onClaimed(job));
        if (closing.get()) {
            giveBack(job, "worker " + workerId + " shutting down");
            return;
        }
        // every claimed job waits in the prefetch buffer; startPrefetched() moves it into a free slot at once
        slots.buffer(new Slots.Waiting(job, ctx.clock().instant()));
    }

    /** Starts waiting (prefetched) jobs in the free slots, each on a job thread of its own. */
    private void startPrefetched() {
        Slots.Start start;
        while (!closing.get() && (start = slots.startReady()) != null) {
            InFlight f = begin(start);
            try {
                jobThreads.execute(() -> runFrom(f));
            } catch (RejectedExecutionException e) {
                releaseShuttingDown(f);
            }
        }
        if (closing.get()) {
            giveBackPrefetched("worker " + workerId + " shutting down");
        }
    }

    /** A waiting job starting now in its slot: held from here on, its timeout running from now. */
    private InFlight begin(Slots.Start start) {
        Job job = start.waiting().job();
        InFlight f = new InFlight(job, start.slot(), ctx.clock(), ctx.ticker(), config.jobTimeout(),
                start.waiting().claimedAt());
        f.reportTo(ctx.store(), ctx.listeners(), ctx.sink());
        slots.hold(f);
        return f;
    }

    /**
     * A job thread's work: {@code first}, then, while prefetched jobs wait and the extractor and sink take jobs,
     * the next of them in the slot just freed, on the same thread (no claim round trip, no thread hand-off).
     */
    private void runFrom(InFlight first) {
        InFlight f = first;
        while (f != null) {
            executor.execute(f);
            f = null;
            if (!closing.get() && extractor.takesJobs() && sink.problem() == null) {
                Slots.Start next = slots.startReady();
                if (next != null) {
                    f = begin(next);
                }
            }
        }
    }

    /**
     * Gives every prefetched job back to PENDING without spending its attempt (close, or nothing may run them now).
     *
     * @return how many were given back
     */
    public int giveBackPrefetched(String reason) {
        List<Slots.Waiting> waiting = slots.drainReady();
        for (Slots.Waiting w : waiting) {
            giveBack(w.job(), reason);
        }
        if (!waiting.isEmpty()) {
            log.info("worker {}: gave {} prefetched job(s) back without spending an attempt: {}", workerId,
                    waiting.size(), reason);
        }
        return waiting.size();
    }

    /** The one fenced finishing write of a claimed job that never started: released, its attempt given back. */
    private void giveBack(Job job, String reason) {
        InFlight f = InFlight.unstarted(job, ctx.clock(), ctx.ticker());
        completer.write(f, JobOutcome.released(reason), null);
    }

    private void releaseShuttingDown(InFlight f) {
        if (f.decide()) {
            completer.write(f, JobOutcome.released("worker " + workerId + " shutting down"), null);
        }
    }
}
