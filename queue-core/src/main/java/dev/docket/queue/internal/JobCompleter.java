package dev.docket.queue.internal;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.StoreException;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerRuntime;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The finishing write of every decided job, exactly once by this worker: the asynchronous path through
 * {@link JobStore#finishAsync}, the synchronous path with a short resilience4j {@link Retry}, the pending
 * writes kept while the store is down ({@link #retryPendingOnce()}, given up after
 * {@value #PENDING_WRITE_GIVE_UP_LEASES} lease lengths on the ticker), lease loss, and the fenced document
 * protocol ({@link DocumentSink#committed} for the winner, {@link DocumentSink#discard} for a loser).
 * Counts completed and failed jobs. Thread-safe.
 */
public final class JobCompleter {
    private static final Logger log = LoggerFactory.getLogger(JobCompleter.class);
    /** An unrecorded outcome is retried for this many lease lengths, then left to lease expiry. */
    public static final int PENDING_WRITE_GIVE_UP_LEASES = 10;

    private final WorkerContext ctx;
    private final JobStore store;
    private final String workerId;
    private final Slots slots;
    private final ExtractorSupervisor extractor;
    private final Executor completions;
    private final Executor fallback;
    private final Retry storeRetry;
    private final Map<Long, PendingWrite> pending = new ConcurrentHashMap<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param completions where asynchronous write results are recorded (the {@code docket-complete} thread)
     * @param fallback    where a failed asynchronous write is retried synchronously (a job thread)
     */
    public JobCompleter(WorkerContext ctx, Slots slots, ExtractorSupervisor extractor, Executor completions,
            Executor fallback) {
        this.ctx = ctx;
        this.store = ctx.store();
        this.workerId = ctx.workerId();
        this.slots = slots;
        this.extractor = extractor;
        this.completions = completions;
        this.fallback = fallback;
        this.storeRetry = Retry.of("docket-store-" + workerId, RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(50, 2.0, 0.2))
                .retryOnException(e -> e instanceof StoreException && ((StoreException) e).isTransient())
                .failAfterMaxAttempts(false)
                .build());
    }

    /**
     * The finishing write of a job whose extraction ended, without keeping its slot's thread waiting while the
     * store batches the write: the outcome is recorded (listeners, slot freed) on the completions executor when
     * the write is done. A write that fails transiently falls back to {@link #write} on the fallback executor.
     * Waking one thread per batch instead of one per job matters: on a small machine the context switches cost
     * more than the rest of a no-op job.
     */
    public void writeAsync(InFlight f, JobOutcome outcome, StoredDocument stored) {
        CompletionStage<Job> stage;
        try {
            stage = store.finishAsync(f.lease(), outcome);
        } catch (RuntimeException e) {
            write(f, outcome, stored); // a store whose finishAsync throws: the synchronous path handles it
            return;
        }
        try {
            stage.whenCompleteAsync((after, ex) -> recordAsync(f, outcome, stored, after, ex), completions);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: record it on this thread
            stage.whenComplete((after, ex) -> recordAsync(f, outcome, stored, after, ex));
        }
    }

    private void recordAsync(InFlight f, JobOutcome outcome, StoredDocument stored, Job after, Throwable ex) {
        Job job = f.job();
        MDC.put(WorkerRuntime.MDC_JOB_ID, Long.toString(job.id()));
        MDC.put(WorkerRuntime.MDC_WORKER_ID, workerId);
        boolean fallBack = false;
        try {
            Throwable e = ex == null ? null : Failures.unwrap(ex);
            if (e == null) {
                ctx.storeHealth().succeeded();
                written(f, outcome, stored, after);
            } else if (e instanceof LeaseLostException) {
                writeRejected(f, outcome, stored, "finishing write rejected: " + e.getMessage());
            } else if (e instanceof StoreException && ((StoreException) e).isTransient()) {
                fallBack = true;
            } else {
                notRecorded(f, outcome, stored, e);
            }
        } catch (RuntimeException | Error e) {
            log.error("worker {}: recording {} for job {} failed", workerId, outcome, job.id(), e);
        } finally {
            MDC.remove(WorkerRuntime.MDC_JOB_ID);
            MDC.remove(WorkerRuntime.MDC_WORKER_ID);
        }
        if (!fallBack) {
            slots.release(f);
            return;
        }
        // transient store failure: the synchronous path retries, then keeps it until the store is back
        try {
            fallback.execute(() -> write(f, outcome, stored));
        } catch (RejectedExecutionException rejected) {
            write(f, outcome, stored);
        }
    }

    /** The synchronous finishing write: a few quick retries, then kept as a pending write. Frees the slot. */
    public void write(InFlight f, JobOutcome outcome, StoredDocument stored) {
        Job job = f.job();
        try {
            Job after = storeRetry.executeSupplier(() -> store.finish(f.lease(), outcome));
            ctx.storeHealth().succeeded();
            written(f, outcome, stored, after);
        } catch (LeaseLostException e) {
            writeRejected(f, outcome, stored, "finishing write rejected: " + e.getMessage());
        } catch (StoreException e) {
            if (e.isTransient()) {
                ctx.storeHealth().failed("finish job " + job.id(), e);
                pending.put(job.id(), new PendingWrite(f, outcome, stored, ctx.ticker().read()));
            } else {
                notRecorded(f, outcome, stored, e);
            }
        } catch (RuntimeException e) {
            notRecorded(f, outcome, stored, e);
        } finally {
            slots.release(f);
        }
    }

    /** A finishing write the store refused for good (not a lease loss): the attempt's document is not the job's. */
    private void notRecorded(InFlight f, JobOutcome outcome, StoredDocument stored, Throwable e) {
        if (e instanceof IllegalArgumentException && outcome.kind() == JobOutcome.Kind.COMPLETED) {
            // the store refuses the result itself (not storable JSON, too large): the job cannot complete with it, so
            // it fails now with the reason instead of staying PROCESSING until it is reset as abandoned
            JobOutcome failure = JobOutcome.failed("the result could not be stored: " + Failures.describe(e));
            log.error("worker {}: job {}: the store refused its result ({}); failing the job", workerId, f.job().id(),
                    e.getMessage());
            discard(f, stored, "the store refused the result that names it");
            try {
                Job after = store.finish(f.lease(), failure);
                written(f, failure, null, after);
            } catch (LeaseLostException lost) {
                leaseLost(f.job().id(), "finishing write rejected: " + lost.getMessage(), false);
            } catch (RuntimeException again) {
                log.error("worker {}: could not record {} for job {} either; the job stays PROCESSING until its lease "
                        + "expires and the stale-job monitor resets it", workerId, failure, f.job().id(), again);
            }
            return;
        }
        log.error("worker {}: could not record {} for job {}; the job stays PROCESSING until its lease expires "
                + "and the stale-job monitor resets it", workerId, outcome, f.job().id(), e);
        discard(f, stored, "its finishing write was refused");
    }

    /**
     * A finishing write rejected with "lease lost". When an earlier try of the same write did commit (the
     * connection broke before the answer came back), the job shows this attempt's outcome: then nothing was
     * lost and the write counts as done. Otherwise the lease was really lost and this attempt's document goes.
     */
    private void writeRejected(InFlight f, JobOutcome outcome, StoredDocument stored, String reason) {
        Optional<Job> now = findQuietly(f.job().id());
        if (now.isPresent() && FinishedBy.attempt(now.get(), f.job(), outcome, stored)) {
            log.info("job {}: {} was already recorded by an earlier try of the same write", f.job().id(),
                    outcome.kind());
            written(f, outcome, stored, now.get());
            return;
        }
        leaseLost(f.job().id(), reason, false);
        discard(f, stored, "its finishing write lost (" + reason + ")");
    }

    /** Removes the document of an attempt that did not win (see the fenced protocol of {@link DocumentSink}). */
    public void discard(InFlight f, StoredDocument stored, String why) {
        if (stored == null) {
            return;
        }
        Job job = f.job();
        Optional<Job> now = findQuietly(job.id());
        if (now.isPresent() && StoredDocuments.referencedBy(now.get(), stored.uri())) {
            log.warn("job {}: keeping {}: the job's recorded result points to it", job.id(), stored.uri());
            return;
        }
        try {
            ctx.sink().discard(job, stored);
            log.info("job {}: removed this attempt's document {}: {}", job.id(), stored.uri(), why);
        } catch (IOException | RuntimeException e) {
            log.warn("worker {}: could not remove the losing document {} of job {} ({}); it is not the job's "
                    + "document, and DocumentSweeper removes it later", workerId, stored.uri(), job.id(), why, e);
        }
    }

    private Optional<Job> findQuietly(long jobId) {
        try {
            return store.find(jobId);
        } catch (RuntimeException e) {
            log.debug("worker {}: could not read job {} back", workerId, jobId, e);
            return Optional.empty();
        }
    }

    private void written(InFlight f, JobOutcome outcome, StoredDocument stored, Job after) {
        Job job = f.job();
        Duration took = f.elapsed();
        if (stored != null) {
            try {
                ctx.sink().committed(job, stored);
            } catch (IOException | RuntimeException e) {
                log.warn("worker {}: the document sink failed after job {} was completed with {}; the job keeps it",
                        workerId, job.id(), stored.uri(), e);
            }
        }
        Listeners listeners = ctx.listeners();
        if (outcome.sourceFailure() && after != null && after.status() == JobStatus.PENDING
                && after.attempts() < job.attempts()) {
            log.warn("job {} ({}): its source is down (circuit open); back to PENDING without spending its attempt, "
                    + "to run once the source is back", job.id(), job.documentSource());
            listeners.fire("onReleased", l -> l.onReleased(after, "source down: " + outcome.error()));
            return;
        }
        switch (outcome.kind()) {
            case COMPLETED:
                completed.incrementAndGet();
                if (log.isDebugEnabled()) { // Durations.format is not free, and this runs for every job
                    log.debug("job {} completed in {}", job.id(), Durations.format(took));
                }
                listeners.fire("onCompleted", l -> l.onCompleted(after, stored, took));
                break;
            case FAILED:
                failed.incrementAndGet();
                listeners.fire("onFailed", l -> l.onFailed(after, outcome.error(), took));
                break;
            case RETRY:
                listeners.fire("onRetryScheduled", l -> l.onRetryScheduled(after, outcome.error(), outcome.delay()));
                break;
            case THROTTLED:
                listeners.fire("onThrottled", l -> l.onThrottled(after, outcome.error(), outcome.delay()));
                break;
            default:
                log.info("job {} released: {}", job.id(), outcome.error());
                listeners.fire("onReleased", l -> l.onReleased(after, outcome.error()));
        }
    }

    /**
     * One pass over the writes kept while the store was down: records each that the store now takes, drops
     * those the store refuses for good or that waited more than {@value #PENDING_WRITE_GIVE_UP_LEASES} lease
     * lengths (the stale-job monitor resets those jobs), and stops at the first transient failure.
     */
    public void retryPendingOnce() {
        Duration giveUp = ctx.config().lease().multipliedBy(PENDING_WRITE_GIVE_UP_LEASES);
        for (PendingWrite p : new ArrayList<>(pending.values())) {
            Job job = p.flight.job();
            try {
                Job after = store.finish(p.flight.lease(), p.outcome);
                pending.remove(job.id(), p);
                ctx.storeHealth().succeeded();
                log.info("job {}: {} recorded after the store came back", job.id(), p.outcome.kind());
                written(p.flight, p.outcome, p.stored, after);
            } catch (LeaseLostException e) {
                pending.remove(job.id(), p);
                writeRejected(p.flight, p.outcome, p.stored, "delayed finishing write rejected: " + e.getMessage());
            } catch (StoreException e) {
                if (!e.isTransient()) {
                    pending.remove(job.id(), p);
                    log.error("worker {}: giving up recording {} for job {}; its lease will expire and the stale-job "
                            + "monitor resets it", workerId, p.outcome, job.id(), e);
                    discard(p.flight, p.stored, "its finishing write was refused");
                } else if (ctx.ticker().read() - p.sinceNanos > giveUp.toNanos()) {
                    pending.remove(job.id(), p);
                    log.error("worker {}: giving up recording {} for job {} after {} of store errors; its lease is no "
                            + "longer renewed, so the stale-job monitor resets it", workerId, p.outcome, job.id(),
                            Durations.format(giveUp), e);
                } else {
                    ctx.storeHealth().failed("finish job " + job.id(), e);
                    return; // still down: try again later
                }
            }
        }
    }

    /**
     * The lease of job {@code jobId} was lost: with {@code abort}, the running extraction (if undecided) is
     * cancelled and its slot freed; any pending write is dropped; listeners and the job's events are told.
     */
    public void leaseLost(long jobId, String reason, boolean abort) {
        InFlight f = slots.get(jobId);
        if (abort && f != null) {
            if (!f.decide()) {
                return; // already finishing; its write will report the loss itself
            }
            f.cancel();
            extractor.noteIfAbandoned(f);
            slots.release(f);
        }
        PendingWrite p = pending.remove(jobId);
        log.warn("job {} on worker {}: lease lost ({}); this worker's result is discarded{}", jobId, workerId, reason,
                p != null ? " (unwritten " + p.outcome.kind() + ")" : "");
        ctx.listeners().fire("onLeaseLost", l -> l.onLeaseLost(jobId, reason));
        try {
            store.recordEvent(jobId, JobEventType.LEASE_LOST, workerId, reason);
        } catch (RuntimeException e) {
            log.debug("could not record LEASE_LOST event for job {}", jobId, e);
        }
    }

    /** The leases of outcomes waiting for the store: the heartbeat keeps renewing them. */
    public List<JobLease> pendingLeases() {
        List<JobLease> leases = new ArrayList<>();
        for (PendingWrite p : pending.values()) {
            leases.add(p.flight.lease());
        }
        return leases;
    }

    /** Outcomes waiting for the store. */
    public int pendingCount() {
        return pending.size();
    }

    public long completedCount() {
        return completed.get();
    }

    public long failedCount() {
        return failed.get();
    }

    private static final class PendingWrite {
        final InFlight flight;
        final JobOutcome outcome;
        final StoredDocument stored;
        final long sinceNanos;

        PendingWrite(InFlight flight, JobOutcome outcome, StoredDocument stored, long sinceNanos) {
            this.flight = flight;
            this.outcome = outcome;
            this.stored = stored;
            this.sinceNanos = sinceNanos;
        }
    }
}
