package dev.docket.queue;

/**
 * A fenced write was rejected: the job is no longer PROCESSING under this lease token (it was reset
 * by the stale-job monitor and possibly claimed by another worker). The caller's result must be
 * discarded; it is never written over the new owner's.
 */
public class LeaseLostException extends DocketException {
    private static final long serialVersionUID = 1L;
    private final long jobId;

    public LeaseLostException(long jobId, String message) {
        super("lease lost on job " + jobId + ": " + message);
        this.jobId = jobId;
    }

    public long jobId() {
        return jobId;
    }
}
