package dev.docket.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Which PROCESSING jobs are abandoned, and what happens to them. The store evaluates
 * {@link #criteria()} in one query; then {@link #decide(StaleJob)} is asked per job. Implementations
 * must be thread-safe and fast (no I/O).
 *
 * <p>Built-ins: {@link #leaseExpired()} (the default) and {@link #processingLongerThan(Duration)}
 * (the old system's "processing for more than 5 minutes" sweep).
 */
public interface StaleJobPolicy {

    /** The criteria the store evaluates. */
    StaleCriteria criteria();

    /** What to do with one stale job. */
    StaleDecision decide(StaleJob stale);

    /**
     * The default: a job is stale when its lease expired (its owner stopped renewing it) or its
     * owner is STOPPED. It goes back to PENDING at once, or to FAILED when its attempts are spent.
     */
    static StaleJobPolicy leaseExpired() {
        return new dev.docket.queue.internal.RequeuePolicy(new StaleCriteria(true, null, null), "leaseExpired");
    }

    /**
     * The old system's rule: any job processing longer than {@code limit} is reset, whether or not
     * its owner is alive (jobs whose lease expired are reset too). Attempts are respected as in
     * {@link #leaseExpired()}. Use for jobs you know cannot legitimately run that long.
     */
    static StaleJobPolicy processingLongerThan(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        return new dev.docket.queue.internal.RequeuePolicy(new StaleCriteria(true, null, limit),
                "processingLongerThan(" + limit + ")");
    }

    /**
     * Requeue at once, or FAILED when the job has used all its attempts (an abandoned claim counts as
     * an attempt: a job that kills its worker every time must not loop forever).
     */
    static StaleDecision requeueUnlessExhausted(StaleJob stale) {
        Job job = stale.job();
        if (job.attempts() >= job.maxAttempts()) {
            return StaleDecision.fail("abandoned by worker " + job.workerId() + " (" + stale.reason()
                    + ") on its last attempt " + job.attempts() + "/" + job.maxAttempts());
        }
        return StaleDecision.requeue(Duration.ZERO);
    }
}
