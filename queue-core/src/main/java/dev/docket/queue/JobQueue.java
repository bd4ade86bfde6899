package dev.docket.queue;

import dev.docket.queue.spi.JobStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a host application does with its jobs, over any {@link JobStore}: enqueue them, look them up and read
 * their history, cancel and retry them, purge old ones, and read the queue's diagnostics. The
 * {@link JobStore} is the SPI a store implements (and the runtime drives); applications call this instead.
 * Operator repairs (resetting stuck jobs, forgetting dead workers) are on {@link QueueAdmin}.
 *
 * <pre>{@code
 * JobQueue queue = JobQueue.of(store);
 * Job job = queue.enqueue(NewJob.builder("registry-a", "2024-000123").priority(10).build());
 * queue.find(job.id()).map(Job::status);
 * }</pre>
 *
 * <p>Thread-safe (as thread-safe as its store, which must be): one instance is shared by the whole
 * application. It keeps no state of its own beyond the store and the actor.
 *
 * <p>Errors: {@link StoreException} when the store cannot be reached ({@linkplain StoreException#isTransient()
 * transient} when trying again may succeed); {@link JobNotFoundException} for an unknown job id;
 * {@link JobStateException} for a transition the job's status does not allow (nothing is changed);
 * {@link IllegalArgumentException} for a bad argument, naming it and its value.
 */
public interface JobQueue {
    /** The actor recorded in the history of the jobs a queue changes, unless {@link Builder#actor} says otherwise. */
    String DEFAULT_ACTOR = "admin";

    /** A queue over {@code store} that records its changes as made by {@value #DEFAULT_ACTOR}. */
    static JobQueue of(JobStore store) {
        return builder(store).build();
    }

    /** A builder of a queue over {@code store}. */
    static Builder builder(JobStore store) {
        return new Builder(store);
    }

    /**
     * Adds a PENDING job; with the idempotency key of a job that is still PENDING or PROCESSING, returns
     * that job instead and adds nothing.
     */
    Job enqueue(NewJob job);

    /** Adds many jobs atomically (all or none), in order, keys as {@link #enqueue}; returns them in order. */
    List<Job> enqueueAll(List<NewJob> jobs);

    /** The job, or empty when there is none (or it was purged). */
    Optional<Job> find(long jobId);

    /**
     * The job's events (the outcomes of its claims, resets, lost leases, cancels, retries), oldest first;
     * empty for an unknown job.
     */
    List<JobEvent> history(long jobId);

    /**
     * PENDING → CANCELLED: the job will not run.
     *
     * @throws JobNotFoundException when there is no such job
     * @throws JobStateException    when it is not PENDING
     */
    Job cancel(long jobId);

    /**
     * FAILED or CANCELLED → PENDING, with its attempts back to 0.
     *
     * @throws JobNotFoundException when there is no such job
     * @throws JobStateException    when it is neither FAILED nor CANCELLED, or another live job has its
     *                              idempotency key
     */
    Job retry(long jobId);

    /**
     * Every FAILED job of {@code documentSource} (every source when null) → PENDING, except those whose
     * idempotency key a live job holds.
     *
     * @return how many were retried
     */
    int retryAllFailed(String documentSource);

    /**
     * Deletes COMPLETED, FAILED and CANCELLED jobs (with their history) finished more than {@code olderThan}
     * ago, and the rows of workers silent for that long that hold no job. Logged at INFO.
     *
     * @return how many jobs were deleted
     * @throws IllegalArgumentException when {@code olderThan} is null or negative
     */
    int purge(Duration olderThan);

    /** A snapshot of the queue, its workers and its alerts under the given thresholds. */
    Diagnostics diagnose(DiagnosticsOptions options);

    /** {@link #diagnose(DiagnosticsOptions)} with {@link DiagnosticsOptions#defaults()}. */
    default Diagnostics diagnose() {
        return diagnose(DiagnosticsOptions.defaults());
    }

    /** Builds a {@link JobQueue}. Not thread-safe; {@link #build()} validates. */
    final class Builder {
        private final JobStore store;
        private String actor = DEFAULT_ACTOR;

        private Builder(JobStore store) {
            this.store = store;
        }

        /**
         * Who the jobs' history says cancelled, retried or reset them (e.g. the application's name); default
         * {@value JobQueue#DEFAULT_ACTOR}.
         */
        public Builder actor(String actor) {
            this.actor = actor;
            return this;
        }

        /**
         * The queue.
         *
         * @throws NullPointerException     when the store is null
         * @throws IllegalArgumentException when the actor is null or blank
         */
        public JobQueue build() {
            return new dev.docket.queue.internal.DefaultJobQueue(store, actor); // checks both
        }
    }
}
