package dev.docket.benchmarks;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.testing.ForwardingJobStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link JobStore} decorator counting claims, finishes and heartbeats and the time spent in them,
 * to see where a drain spends its time (benchmark diagnostics). Thread-safe.
 */
public final class CountingStore extends ForwardingJobStore {
    final AtomicLong claims = new AtomicLong();
    final AtomicLong claimed = new AtomicLong();
    final AtomicLong claimNanos = new AtomicLong();
    final AtomicLong emptyClaims = new AtomicLong();
    final AtomicLong finishes = new AtomicLong();
    final AtomicLong finishNanos = new AtomicLong();
    final AtomicLong heartbeats = new AtomicLong();
    final AtomicLong heartbeatLeases = new AtomicLong();

    public CountingStore(JobStore delegate) {
        super(delegate);
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
    public List<Job> claim(String workerId, int limit, Duration lease) {
        long t = System.nanoTime();
        List<Job> jobs = super.claim(workerId, limit, lease);
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
            return super.finish(lease, outcome);
        } finally {
            finishNanos.addAndGet(System.nanoTime() - t);
            finishes.incrementAndGet();
        }
    }

    @Override
    public CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
        long t = System.nanoTime();
        return super.finishAsync(lease, outcome).whenComplete((j, e) -> {
            finishNanos.addAndGet(System.nanoTime() - t);
            finishes.incrementAndGet();
        });
    }

    @Override
    public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
        heartbeats.incrementAndGet();
        heartbeatLeases.addAndGet(heartbeat.leases().size());
        return super.heartbeat(heartbeat);
    }
}
