package dev.docket.benchmarks;

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
import dev.docket.queue.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link JobStore} decorator counting claims, finishes and heartbeats and the time spent in them,
 * to see where a drain spends its time (benchmark diagnostics). Thread-safe.
 */
public final class CountingStore implements JobStore {
    private final JobStore delegate;
    final AtomicLong claims = new AtomicLong();
    final AtomicLong claimed = new AtomicLong();
    final AtomicLong claimNanos = new AtomicLong();
    final AtomicLong emptyClaims = new AtomicLong();
    final AtomicLong finishes = new AtomicLong();
    final AtomicLong finishNanos = new AtomicLong();
    final AtomicLong heartbeats = new AtomicLong();
    final AtomicLong heartbeatLeases = new AtomicLong();

    public CountingStore(JobStore delegate) {
        this.delegate = delegate;
    }

    /** One line of figures. */
    public String summary() {
        long c = Math.max(1, claims.get());
        long f = Math.max(1, finishes.get());
        return String.format(Locale.ROOT, "claims %d (%d empty), %.1f jobs/claim, %.2f ms/claim; finishes %d, %.2f ms "
                + "wait/finish; heartbeats %d renewing %d leases", claims.get(), emptyClaims.get(),
                (double) claimed.get() / c, claimNanos.get() / 1e6 / c, finishes.get(), finishNanos.get() / 1e6 / f,
                heartbeats.get(), heartbeatLeases.get());
    }

    @Override
    public Job enqueue(NewJob job) {
        return delegate.enqueue(job);
    }

    @Override
    public List<Job> enqueueAll(List<NewJob> jobs) {
        return delegate.enqueueAll(jobs);
    }

    @Override
    public List<Job> claim(String workerId, int limit, Duration lease) {
        long t = System.nanoTime();
        List<Job> jobs = delegate.claim(workerId, limit, lease);
        claimNanos.addAndGet(System.nanoTime() - t);
        claims.incrementAndGet();
        claimed.addAndGet(jobs.size());
        if (jobs.isEmpty()) {
            emptyClaims.incrementAndGet();
        }
        return jobs;
    }

    @Override
    public Job finish(JobLease lease, JobOutcome outcome) {
        long t = System.nanoTime();
        try {
            return delegate.finish(lease, outcome);
        } finally {
            finishNanos.addAndGet(System.nanoTime() - t);
            finishes.incrementAndGet();
        }
    }

    @Override
    public java.util.concurrent.CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
        long t = System.nanoTime();
        return delegate.finishAsync(lease, outcome).whenComplete((j, e) -> {
            finishNanos.addAndGet(System.nanoTime() - t);
            finishes.incrementAndGet();
        });
    }

    @Override
    public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
        heartbeats.incrementAndGet();
        heartbeatLeases.addAndGet(heartbeat.leases().size());
        return delegate.heartbeat(heartbeat);
    }

    @Override
    public void markWorkerStopped(WorkerInfo worker) {
        delegate.markWorkerStopped(worker);
    }

    @Override
    public List<StaleJob> findStale(StaleCriteria criteria, int limit) {
        return delegate.findStale(criteria, limit);
    }

    @Override
    public Optional<Job> reset(StaleJob stale, StaleDecision decision, String actor) {
        return delegate.reset(stale, decision, actor);
    }

    @Override
    public void recordEvent(long jobId, JobEventType type, String actor, String message) {
        delegate.recordEvent(jobId, type, actor, message);
    }

    @Override
    public Optional<Job> find(long jobId) {
        return delegate.find(jobId);
    }

    @Override
    public List<JobEvent> events(long jobId) {
        return delegate.events(jobId);
    }

    @Override
    public List<WorkerInfo> workers() {
        return delegate.workers();
    }

    @Override
    public QueueStats stats() {
        return delegate.stats();
    }

    @Override
    public Job cancel(long jobId, String actor) {
        return delegate.cancel(jobId, actor);
    }

    @Override
    public Job retry(long jobId, String actor) {
        return delegate.retry(jobId, actor);
    }

    @Override
    public int retryAllFailed(String documentSource, String actor) {
        return delegate.retryAllFailed(documentSource, actor);
    }

    @Override
    public int purge(Duration olderThan) {
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
