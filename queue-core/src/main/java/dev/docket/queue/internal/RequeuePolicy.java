package dev.docket.queue.internal;

import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StaleJobPolicy;

/** The built-in policies: fixed criteria, then {@link StaleJobPolicy#requeueUnlessExhausted(StaleJob)}. */
public final class RequeuePolicy implements StaleJobPolicy {
    private final StaleCriteria criteria;
    private final String name;

    public RequeuePolicy(StaleCriteria criteria, String name) {
        this.criteria = criteria;
        this.name = name;
    }

    @Override
    public StaleCriteria criteria() {
        return criteria;
    }

    @Override
    public StaleDecision decide(StaleJob stale) {
        return StaleJobPolicy.requeueUnlessExhausted(stale);
    }

    @Override
    public String toString() {
        return name;
    }
}
