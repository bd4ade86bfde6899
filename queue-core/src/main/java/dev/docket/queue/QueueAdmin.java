package dev.docket.queue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Operator actions and diagnostics over a {@link JobStore}: what the old system's
 * {@code reset-stuck-jobs} and {@code diagnose} scripts did, and more. Obtain one with
 * {@link #over(JobStore)}. Thread-safe.
 */
public interface QueueAdmin {

    /** An admin over any store. */
    static QueueAdmin over(JobStore store) {
        return new dev.docket.queue.internal.DefaultQueueAdmin(store);
    }

    /**
     * Resets the PROCESSING jobs the policy finds stale: with {@link StaleJobPolicy#leaseExpired()},
     * jobs whose owner stopped renewing; with {@link StaleJobPolicy#processingLongerThan(Duration)},
     * also jobs running too long. Each reset is fenced (the old owner cannot complete the job
     * afterwards), logged at WARN and recorded in the job's history.
     *
     * @param dryRun report without changing anything
     */
    List<ResetReport> resetStuckJobs(StaleJobPolicy policy, boolean dryRun);

    /** A diagnostics snapshot with the given alert thresholds. */
    Diagnostics diagnose(DiagnosticsOptions options);

    /**
     * Removes a worker's row (see {@link JobStore#forgetWorker(String)}): how an operator acknowledges a
     * dead worker once its jobs are handled, so that {@link #diagnose} stops reporting it. Logged at INFO.
     *
     * @return true when removed, false when there is no such worker
     * @throws IllegalStateException when it still holds PROCESSING jobs (reset them first)
     */
    boolean forgetWorker(String workerId);

    /** A job with its history. */
    Optional<JobDetails> job(long jobId);

    /** FAILED/CANCELLED → PENDING. */
    Job retry(long jobId);

    /** Every FAILED job (of a source, or all when null) → PENDING; returns the count. */
    int retryAllFailed(String documentSource);

    /** PENDING → CANCELLED. */
    Job cancel(long jobId);

    /** Deletes finished jobs older than {@code olderThan}; returns the count. */
    int purge(Duration olderThan);

    /**
     * A job and its event history.
     *
     * @param job    the job
     * @param events its history, oldest first
     */
    record JobDetails(Job job, List<JobEvent> events) {
        public JobDetails {
            events = List.copyOf(events);
        }
    }
}
