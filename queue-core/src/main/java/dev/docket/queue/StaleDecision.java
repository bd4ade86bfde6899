package dev.docket.queue;

import java.time.Duration;
import java.util.Objects;

/** What a {@link StaleJobPolicy} decides for one stale job. */
public final class StaleDecision {
    private final boolean requeue;
    private final Duration delay;
    private final String reason;

    private StaleDecision(boolean requeue, Duration delay, String reason) {
        this.requeue = requeue;
        this.delay = delay;
        this.reason = reason;
    }

    /** Back to PENDING, claimable after {@code delay}. */
    public static StaleDecision requeue(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
        }
        return new StaleDecision(true, delay, null);
    }

    /** To FAILED, with this reason as the job's last error. */
    public static StaleDecision fail(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        return new StaleDecision(false, Duration.ZERO, reason);
    }

    public boolean isRequeue() {
        return requeue;
    }

    /** Delay before the job may be claimed again (requeue only). */
    public Duration delay() {
        return delay;
    }

    /** The failure reason (fail only), else null. */
    public String failureReason() {
        return reason;
    }

    /** The status the job ends in. */
    public JobStatus targetStatus() {
        return requeue ? JobStatus.PENDING : JobStatus.FAILED;
    }

    @Override
    public String toString() {
        return requeue ? "requeue(after " + delay + ")" : "fail(" + reason + ")";
    }
}
