package dev.docket.queue;

/** Exceptional events recorded in a job's history ({@code extraction_job_event}). */
public enum JobEventType {
    /** A transient failure; the job goes back to PENDING after a back-off. */
    RETRY_SCHEDULED,
    /** The job failed for good (permanent error, or attempts exhausted). */
    FAILED,
    /** The job ran past its timeout and was aborted. */
    TIMED_OUT,
    /** A worker found its lease taken away; its result was discarded. */
    LEASE_LOST,
    /** The stale-job monitor or an operator took the job from an owner that stopped answering. */
    RESET,
    /** The worker gave the job back without spending an attempt (shutdown, extractor down). */
    RELEASED,
    /** An operator cancelled the job. */
    CANCELLED,
    /** An operator put a FAILED job back to PENDING. */
    RETRIED,
    /**
     * Evidence of a failed attempt was saved (screenshot, HTML, details); the message says where, see
     * {@link FailureSnapshot#parse(String)}.
     */
    SNAPSHOT_SAVED
}
