package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks the {@link RetryPolicy} for its decision, never letting a faulty policy leave a job undecided. */
public final class Retries {
    private static final Logger log = LoggerFactory.getLogger(Retries.class);
    private final RetryPolicy policy;
    private final RetryPolicy fallback;

    /**
     * @param policy   the user's (or the default) policy
     * @param fallback used when {@code policy} throws or returns null (the default exponential policy)
     */
    public Retries(RetryPolicy policy, RetryPolicy fallback) {
        this.policy = policy;
        this.fallback = fallback;
    }

    /** The decision for {@code job} after {@code failure}; the fallback's when the policy throws or returns null. */
    public RetryPolicy.Decision decide(Job job, Throwable failure) {
        try {
            RetryPolicy.Decision d = policy.decide(job, failure);
            if (d != null) {
                return d;
            }
            log.warn("job {}: the retry policy {} returned null; using the default back-off", job.id(), policy);
        } catch (RuntimeException e) {
            log.warn("job {}: the retry policy {} threw; using the default back-off", job.id(), policy, e);
        }
        return fallback.decide(job, failure);
    }
}
