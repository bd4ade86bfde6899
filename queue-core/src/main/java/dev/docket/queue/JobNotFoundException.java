package dev.docket.queue;

/** An operation named a job id that does not exist. */
public class JobNotFoundException extends DocketException {
    private static final long serialVersionUID = 1L;
    private final long jobId;

    public JobNotFoundException(long jobId) {
        super("job " + jobId + " does not exist");
        this.jobId = jobId;
    }

    public long jobId() {
        return jobId;
    }
}
