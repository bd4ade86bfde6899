package dev.docket.queue.spi;

import dev.docket.queue.JobEventType;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StoredDocument;
import java.time.Duration;
import java.util.Objects;

/**
 * What a worker writes when it finishes with a claimed job: one of completed, failed, retry later or
 * released. Passed to {@link JobStore#finish(JobLease, JobOutcome)}, which applies it only with the
 * matching lease token.
 */
public final class JobOutcome {

    /** The kind of finishing write. */
    public enum Kind {
        /** PROCESSING → COMPLETED, with the result. */
        COMPLETED,
        /** PROCESSING → FAILED (terminal), with the error. */
        FAILED,
        /** PROCESSING → PENDING with {@code run_after = now + delay}; the attempt stays spent. */
        RETRY,
        /** PROCESSING → PENDING at once, giving the attempt back (shutdown, extractor down). */
        RELEASED,
        /**
         * PROCESSING → PENDING at once, giving the attempt back, and the job's source blocked fleet-wide until
         * now + {@link #delay()} (its policy's {@code throttleWithoutHint} when zero, at most its
         * {@code throttleMax}) with its effective rate cut: the registry asked us to slow down.
         */
        THROTTLED
    }

    private final Kind kind;
    private final String result;
    private final String error;
    private final Duration delay;
    private final JobEventType event;
    private final boolean sourceFailure;

    private JobOutcome(Kind kind, String result, String error, Duration delay, JobEventType event,
            boolean sourceFailure) {
        this.kind = kind;
        this.result = result;
        this.error = error;
        this.delay = delay;
        this.event = event;
        this.sourceFailure = sourceFailure;
    }

    private JobOutcome(Kind kind, String result, String error, Duration delay, JobEventType event) {
        this(kind, result, error, delay, event, false);
    }

    /** Completed, with a JSON result (typically the {@link StoredDocument} as JSON), may be null. */
    public static JobOutcome completed(String resultJson) {
        return new JobOutcome(Kind.COMPLETED, resultJson, null, Duration.ZERO, null);
    }

    /** Failed for good with this error. Records a {@link JobEventType#FAILED} event. */
    public static JobOutcome failed(String error) {
        return new JobOutcome(Kind.FAILED, null, requireText(error, "error"), Duration.ZERO, JobEventType.FAILED);
    }

    /** Back to PENDING after {@code delay}. Records a {@link JobEventType#RETRY_SCHEDULED} event. */
    public static JobOutcome retryLater(String error, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
        }
        return new JobOutcome(Kind.RETRY, null, requireText(error, "error"), delay, JobEventType.RETRY_SCHEDULED);
    }

    /**
     * Back to PENDING at once without spending the attempt (the attempt counter is decremented).
     * Records a {@link JobEventType#RELEASED} event.
     */
    public static JobOutcome released(String reason) {
        return new JobOutcome(Kind.RELEASED, null, requireText(reason, "reason"), Duration.ZERO, JobEventType.RELEASED);
    }

    /**
     * Back to PENDING at once without spending the attempt, its source blocked fleet-wide for
     * {@code retryAfter} (zero: the source policy's default; capped by the policy) and its effective rate cut.
     * Records a {@link JobEventType#THROTTLED} event.
     *
     * @throws IllegalArgumentException when {@code why} is blank or {@code retryAfter} is negative
     */
    public static JobOutcome throttled(String why, Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be >= 0 but was " + retryAfter);
        }
        return new JobOutcome(Kind.THROTTLED, null, requireText(why, "why"), retryAfter, JobEventType.THROTTLED);
    }

    /** The same outcome, recorded in the job's history as {@code event} instead of the default. */
    public JobOutcome recordedAs(JobEventType event) {
        return new JobOutcome(kind, result, error, delay, Objects.requireNonNull(event, "event"), sourceFailure);
    }

    /**
     * The same RETRY or FAILED outcome, marked as a transient failure of the job's source (a timeout, a refused
     * connection, a 5xx): it counts toward the source's circuit breaker. The store then decides, in the same
     * atomic write: when the source's circuit is open or half-open, or this failure opens it, the job goes back
     * to PENDING at once without spending its attempt (event {@link JobEventType#SOURCE_DOWN}) instead of
     * this outcome; otherwise this outcome is applied as it is.
     *
     * @throws IllegalStateException when the outcome is not RETRY or FAILED
     */
    public JobOutcome countedAgainstSource() {
        if (kind != Kind.RETRY && kind != Kind.FAILED) {
            throw new IllegalStateException("only a RETRY or FAILED outcome counts against its source, not " + kind);
        }
        return new JobOutcome(kind, result, error, delay, event, true);
    }

    /** True when this failure counts toward the source's circuit breaker ({@link #countedAgainstSource()}). */
    public boolean sourceFailure() {
        return sourceFailure;
    }

    public Kind kind() {
        return kind;
    }

    /** JSON result, only for COMPLETED (may be null). */
    public String result() {
        return result;
    }

    /** Error or reason text; null for COMPLETED. */
    public String error() {
        return error;
    }

    /** Delay before the job may run again (RETRY), the registry's retry-after (THROTTLED), else zero. */
    public Duration delay() {
        return delay;
    }

    /** The event to record in the job's history, or null for none (COMPLETED). */
    public JobEventType event() {
        return event;
    }

    /**
     * The status the job has after this outcome is applied (PENDING instead when a
     * {@linkplain #sourceFailure() source failure} meets an open circuit).
     */
    public JobStatus targetStatus() {
        switch (kind) {
            case COMPLETED:
                return JobStatus.COMPLETED;
            case FAILED:
                return JobStatus.FAILED;
            default:
                return JobStatus.PENDING;
        }
    }

    private static String requireText(String s, String name) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return s;
    }

    @Override
    public String toString() {
        return kind + (error == null ? "" : "(" + error + ")") + (kind == Kind.RETRY ? " in " + delay : "")
                + (kind == Kind.THROTTLED ? " for " + delay : "") + (sourceFailure ? " [source failure]" : "");
    }
}
