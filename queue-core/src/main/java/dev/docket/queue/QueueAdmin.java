package dev.docket.queue;

import dev.docket.queue.spi.JobStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Operator repairs over a {@link JobStore}: resetting stuck jobs (what the old system's
 * {@code reset-stuck-jobs} script did) and forgetting dead workers. Obtain one with {@link #over(JobStore)}.
 * Thread-safe. What applications do with their jobs (enqueue, find, cancel, retry, purge, diagnose) is on
 * {@link JobQueue}; the same methods here are deprecated aliases of it, kept for 0.x.
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

    /**
     * A diagnostics snapshot with the given alert thresholds.
     *
     * @deprecated use {@link JobQueue#diagnose(DiagnosticsOptions)}
     */
    @Deprecated
    Diagnostics diagnose(DiagnosticsOptions options);

    /**
     * Removes a worker's row (see {@link JobStore#forgetWorker(String)}): how an operator acknowledges a
     * dead worker once its jobs are handled, so that {@link #diagnose} stops reporting it. Logged at INFO.
     *
     * @return true when removed, false when there is no such worker
     * @throws IllegalStateException when it still holds PROCESSING jobs (reset them first)
     */
    boolean forgetWorker(String workerId);

    /**
     * The latest progress the job reported ({@link ExtractionContext#progress}) as the store holds it: sent with the
     * worker's heartbeats, so at most one heartbeat interval old. Empty when the job reported none (or the store
     * keeps no progress).
     */
    Optional<JobProgress> progress(long jobId);

    /** {@link #progress(long)} of each of {@code jobIds} that has any, in no particular order (one store call). */
    List<JobProgress> progress(java.util.Collection<Long> jobIds);

    /**
     * A job with its history.
     *
     * @deprecated use {@link JobQueue#find(long)} and {@link JobQueue#history(long)}
     */
    @Deprecated
    Optional<JobDetails> job(long jobId);

    /**
     * FAILED/CANCELLED → PENDING.
     *
     * @deprecated use {@link JobQueue#retry(long)}
     */
    @Deprecated
    Job retry(long jobId);

    /**
     * Every FAILED job (of a source, or all when null) → PENDING; returns the count.
     *
     * @deprecated use {@link JobQueue#retryAllFailed(String)}
     */
    @Deprecated
    int retryAllFailed(String documentSource);

    /**
     * PENDING → CANCELLED.
     *
     * @deprecated use {@link JobQueue#cancel(long)}
     */
    @Deprecated
    Job cancel(long jobId);

    /**
     * Deletes finished jobs older than {@code olderThan}; returns the count.
     *
     * @deprecated use {@link JobQueue#purge(Duration)}
     */
    @Deprecated
    int purge(Duration olderThan);

    /**
     * A job and its event history ({@link #job(long)}).
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
