package dev.docket.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of one document source as the fleet sees it (what {@code docket sources} prints): its backlog,
 * its policy, its flow-control state, and its last 60 minutes. Read with {@link JobQueue#sources()}.
 * Immutable.
 *
 * @param source           the document source
 * @param pending          PENDING jobs (due or not)
 * @param processing       PROCESSING jobs (the fleet-wide in-flight count)
 * @param policy           the policy in force (its own or the default)
 * @param ownPolicy        true when the source has a policy of its own, false when it follows the default
 * @param state            the flow-control state; see {@link #describeState()}
 * @param until            for {@link State#OPEN} and {@link State#BLOCKED}: when it ends; else null
 * @param reason           for {@link State#PAUSED} and {@link State#BLOCKED}: why (the operator's or the
 *                         registry's words); else null
 * @param effectiveRate    claims per second allowed now: the policy's rate, lowered after throttling and raised
 *                         back on success (AIMD); 0 when the policy has no rate limit
 * @param consecutiveFailures transient failures since the last success
 * @param completedLast60m jobs of the source COMPLETED in the last 60 minutes
 * @param failedLast60m    jobs of the source FAILED in the last 60 minutes
 * @param p50Last60m       median extraction time (claim to completion) of the jobs completed in the last 60
 *                         minutes; null when there were none
 * @param p95Last60m       95th percentile of the same; null when there were none
 * @param lastError        the last error of one of its jobs (the newest failed or retried attempt), or null
 */
public record SourceStatus(String source, long pending, long processing, SourcePolicy policy, boolean ownPolicy,
        State state, Instant until, String reason, double effectiveRate, int consecutiveFailures,
        long completedLast60m, long failedLast60m, Duration p50Last60m, Duration p95Last60m, String lastError) {

    /** A source's flow-control state, in the order it is reported when several apply. */
    public enum State {
        /** Paused by an operator (the source or all sources): nothing is claimed, running jobs finish. */
        PAUSED,
        /** The circuit is open: nothing is claimed until {@link #until()}. */
        OPEN,
        /** The cool-down has passed and one probe job runs: nothing else is claimed until it ends. */
        HALF_OPEN,
        /** The registry throttled us: nothing is claimed until {@link #until()}. */
        BLOCKED,
        /** Normal: claimed within its cap and rate. */
        CLOSED
    }

    /** @throws NullPointerException when source, policy or state is null */
    public SourceStatus {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(state, "state");
    }

    /**
     * The state as operators read it: {@code closed}, {@code open until T}, {@code half-open},
     * {@code paused: reason} or {@code blocked until T: reason} (T an ISO-8601 instant).
     */
    public String describeState() {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN -> "open until " + until;
            case HALF_OPEN -> "half-open";
            case PAUSED -> "paused: " + reason;
            case BLOCKED -> "blocked until " + until + ": " + reason;
        };
    }
}
