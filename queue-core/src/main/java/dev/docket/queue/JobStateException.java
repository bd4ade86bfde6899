package dev.docket.queue;

/**
 * An operation asked for a transition the job's status does not allow: cancelling a job that is not
 * PENDING, retrying one that is not FAILED or CANCELLED, or retrying one whose idempotency key another live
 * job has meanwhile taken. Nothing was changed. Every store throws it with the same message (the contract
 * suite checks it), for example {@code "job 42 is PROCESSING: only a PENDING job can be cancelled"}.
 *
 * <p>It extends {@link IllegalStateException}, which the store methods documented before it existed (code
 * catching that still works); it is therefore not a {@link DocketException}.
 */
public class JobStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final long jobId;
    private final JobStatus status;

    /**
     * @param jobId   the job
     * @param status  its status when the operation was refused (not null)
     * @param message the whole message, naming the job and its status
     */
    public JobStateException(long jobId, JobStatus status, String message) {
        super(message);
        this.jobId = jobId;
        this.status = java.util.Objects.requireNonNull(status, "status");
    }

    /** The job the operation named. */
    public long jobId() {
        return jobId;
    }

    /** The job's status when the operation was refused. */
    public JobStatus status() {
        return status;
    }
}
