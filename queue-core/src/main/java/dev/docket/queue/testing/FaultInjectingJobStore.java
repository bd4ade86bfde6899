package dev.docket.queue.testing;

import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobLease;
import dev.docket.queue.JobOutcome;
import dev.docket.queue.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StoreException;
import dev.docket.queue.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link JobStore} that forwards to another and can be made to fail, for testing how code behaves
 * when the store does: every call ({@link #failEverything}: "this process lost the database", or,
 * with a non-transient error, "this process is dead" as far as the queue can tell), only finishing
 * writes ({@link #failFinish}), or claims returning nothing ({@link #disableClaims}). Thread-safe.
 */
public class FaultInjectingJobStore implements JobStore {
    private final JobStore delegate;
    private final AtomicReference<RuntimeException> failAll = new AtomicReference<>();
    private final AtomicReference<RuntimeException> failFinish = new AtomicReference<>();
    private final AtomicInteger finishFailuresLeft = new AtomicInteger();
    private final AtomicInteger finishCalls = new AtomicInteger();
    private volatile boolean claimsDisabled;

    public FaultInjectingJobStore(JobStore delegate) {
        this.delegate = delegate;
    }

    /** Every call fails with {@code e} until {@link #heal()}. */
    public void failEverything(RuntimeException e) {
        failAll.set(e);
    }

    /** The next {@code times} finish calls fail with {@code e} (Integer.MAX_VALUE: for good). */
    public void failFinish(RuntimeException e, int times) {
        failFinish.set(e);
        finishFailuresLeft.set(times);
    }

    /** Claims return nothing from now on (the worker stays alive, heartbeating). */
    public void disableClaims() {
        claimsDisabled = true;
    }

    /** Stops every injected failure. */
    public void heal() {
        failAll.set(null);
        failFinish.set(null);
        finishFailuresLeft.set(0);
    }

    /** How many finishing writes were attempted through this store. */
    public int finishCalls() {
        return finishCalls.get();
    }

    /** A transient store error, as a lost connection produces. */
    public static StoreException transientError() {
        return new StoreException("connection refused (test)", true);
    }

    private void check() {
        RuntimeException e = failAll.get();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public Job enqueue(NewJob job) {
        check();
        return delegate.enqueue(job);
    }

    @Override
    public List<Job> enqueueAll(List<NewJob> jobs) {
        check();
        return delegate.enqueueAll(jobs);
    }

    @Override
    public List<Job> claim(String workerId, int limit, Duration lease) {
        check();
        if (claimsDisabled) {
            return List.of();
        }
        return delegate.claim(workerId, limit, lease);
    }

    @Override
    public Job finish(JobLease lease, JobOutcome outcome) {
        finishCalls.incrementAndGet();
        check();
        RuntimeException e = failFinish.get();
        if (e != null && finishFailuresLeft.getAndDecrement() > 0) {
            throw e;
        }
        return delegate.finish(lease, outcome);
    }

    @Override
    public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
        check();
        return delegate.heartbeat(heartbeat);
    }

    @Override
    public void markWorkerStopped(WorkerInfo worker) {
        check();
        delegate.markWorkerStopped(worker);
    }

    @Override
    public List<StaleJob> findStale(StaleCriteria criteria, int limit) {
        check();
        return delegate.findStale(criteria, limit);
    }

    @Override
    public Optional<Job> reset(StaleJob stale, StaleDecision decision, String actor) {
        check();
        return delegate.reset(stale, decision, actor);
    }

    @Override
    public void recordEvent(long jobId, JobEventType type, String actor, String message) {
        check();
        delegate.recordEvent(jobId, type, actor, message);
    }

    @Override
    public Optional<Job> find(long jobId) {
        check();
        return delegate.find(jobId);
    }

    @Override
    public List<JobEvent> events(long jobId) {
        check();
        return delegate.events(jobId);
    }

    @Override
    public List<WorkerInfo> workers() {
        check();
        return delegate.workers();
    }

    @Override
    public QueueStats stats() {
        check();
        return delegate.stats();
    }

    @Override
    public Job cancel(long jobId, String actor) {
        check();
        return delegate.cancel(jobId, actor);
    }

    @Override
    public Job retry(long jobId, String actor) {
        check();
        return delegate.retry(jobId, actor);
    }

    @Override
    public int retryAllFailed(String documentSource, String actor) {
        check();
        return delegate.retryAllFailed(documentSource, actor);
    }

    @Override
    public int purge(Duration olderThan) {
        check();
        return delegate.purge(olderThan);
    }

    @Override
    public Instant now() {
        return delegate.now();
    }

    @Override
    public Subscription subscribe(Runnable onJobsAvailable) {
        return delegate.subscribe(onJobsAvailable);
    }
}
