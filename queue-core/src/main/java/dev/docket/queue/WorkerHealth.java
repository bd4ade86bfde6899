package dev.docket.queue;

import java.util.List;

/**
 * A runtime's health for readiness and liveness probes.
 *
 * @param status  UP, DEGRADED or DOWN
 * @param reasons why it is not UP (empty when UP)
 */
public record WorkerHealth(Status status, List<String> reasons) {

    /** Overall status. */
    public enum Status {
        /** Claiming and processing. */
        UP,
        /** Alive, but not doing its job fully: extractor not ready, store unreachable, stale jobs found. */
        DEGRADED,
        /** Closed or never started. */
        DOWN
    }

    public WorkerHealth {
        reasons = List.copyOf(reasons);
    }
}
