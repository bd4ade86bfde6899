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

    // ---------------------------------------------------------------- sources (flow control)

    /**
     * Sets {@code source}'s own policy, shared by the whole fleet from the next claim on; recorded in the
     * source's history.
     *
     * @throws IllegalArgumentException when {@code source} is null or blank
     * @throws NullPointerException     when {@code policy} is null
     * @throws UnsupportedOperationException when the store has no source flow control
     */
    void setSourcePolicy(String source, SourcePolicy policy);

    /** Removes {@code source}'s own policy: it follows the {@linkplain #defaultSourcePolicy() default} again. */
    void clearSourcePolicy(String source);

    /** {@code source}'s own policy; empty when it follows the default. */
    Optional<SourcePolicy> sourcePolicy(String source);

    /** The policy of sources without their own: the stored one, else {@link SourcePolicy#defaults()}. */
    SourcePolicy defaultSourcePolicy();

    /**
     * Sets the policy of every source without its own ({@code null}: back to {@link SourcePolicy#defaults()});
     * recorded in the history as source {@link SourceEvent#ALL_SOURCES}.
     */
    void setDefaultSourcePolicy(SourcePolicy policy);

    /**
     * Pauses {@code source}: nothing of it is claimed until {@link #resumeSource(String)}; its running jobs
     * finish. Logged at INFO and recorded in its history.
     *
     * @throws IllegalArgumentException when {@code source} or {@code reason} is null or blank
     */
    void pauseSource(String source, String reason);

    /** Lifts {@code source}'s own pause (a pause of all sources stays). @return true when it was paused */
    boolean resumeSource(String source);

    /** Pauses every source, including sources that appear later, until {@link #resumeAllSources()}. */
    void pauseAllSources(String reason);

    /** Lifts the pause of all sources and every single source's pause. @return true when something was paused */
    boolean resumeAllSources();

    /** Every source the store knows with its backlog, policy, state and last 60 minutes, by name. */
    List<SourceStatus> sources();

    /** {@code source}'s status; empty when the store knows nothing of it. */
    default Optional<SourceStatus> source(String source) {
        return sources().stream().filter(s -> s.source().equals(source)).findFirst();
    }

    /**
     * The newest {@code limit} events of {@code source} (policy changes, pauses, throttlings, circuit changes;
     * {@code null}: every source's), oldest first.
     */
    List<SourceEvent> sourceHistory(String source, int limit);

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
