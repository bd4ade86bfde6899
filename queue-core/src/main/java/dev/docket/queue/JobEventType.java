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
     * The registry throttled the attempt (HTTP 429/503, a "blocked" page): the job went back to PENDING
     * without spending its attempt and its source is blocked until the retry-after.
     */
    THROTTLED,
    /**
     * The attempt failed transiently while its source's circuit was open or half-open, or the failure opened
     * it: the job went back to PENDING without spending its attempt, to run once the source is back.
     */
    SOURCE_DOWN,
    /**
     * Evidence of a failed attempt was saved (screenshot, HTML, details); the message says where, see
     * {@link FailureSnapshot#parse(String)}.
     */
    SNAPSHOT_SAVED
}
