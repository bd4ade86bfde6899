package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import java.util.Optional;
import org.slf4j.Logger;

/** The one place a stale-job reset is applied and logged (monitor and admin share it). */
public final class StaleResets {
    private StaleResets() {
    }

    /** Applies the decision, fenced; logs one WARN line per reset with job, owner and reason. */
    public static Optional<Job> apply(JobStore store, StaleJob stale, StaleDecision decision, String actor, Logger log) {
        Job job = stale.job();
        Optional<Job> after = store.reset(stale, decision, actor);
        if (after.isPresent()) {
            log.warn("reset job {} ({} / {}) taken from worker {}: {} -> {} [by {}]", job.id(), job.documentSource(),
                    job.documentNumber(), job.workerId(), stale.reason(), decision, actor);
        } else {
            log.info("job {} changed before it could be reset ({}); left alone", job.id(), stale.reason());
        }
        return after;
    }
}
