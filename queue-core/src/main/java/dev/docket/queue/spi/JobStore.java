package dev.docket.queue.spi;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.JobStateException;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StoreException;
import dev.docket.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SPI: the durable queue. Every state transition is one atomic operation; finishing writes, lease
 * renewals and stale resets are fenced by the claim's lease token. Implementations must be
 * thread-safe and must measure every lease and timestamp with one clock (the database's
 * {@code now()} for a SQL store), never the callers'.
 *
 * <p>Errors: an operation that could not reach its backing store throws {@link StoreException}
 * (transient or not); a fenced write whose token no longer matches throws
 * {@link LeaseLostException}; an invalid transition (cancel, retry) throws {@link JobStateException}; a bad
 * argument throws {@link IllegalArgumentException} (a null object {@link NullPointerException}) with the words
 * every store uses (the contract suite asserts them; the built-in stores share
 * {@code dev.docket.queue.internal.StoreChecks}). Implementations: {@link InMemoryJobStore} and
 * {@code dev.docket.queue.jdbc.PostgresJobStore}. Third parties should run the contract suite
 * ({@code queue-testing}, {@code JobStoreContractTest}).
 */
public interface JobStore {

    /**
     * Adds a PENDING job. With an idempotency key that a non-terminal job already has, returns that
     * job instead and adds nothing.
     */
    Job enqueue(NewJob job);

    /**
     * Adds many jobs atomically (all or none), in order; idempotency keys behave as in
     * {@link #enqueue(NewJob)}. Returns the jobs in the same order.
     */
    List<Job> enqueueAll(List<NewJob> jobs);

    /**
     * Claims up to {@code limit} claimable PENDING jobs (run_after reached) for {@code workerId}:
     * highest priority first, then earliest run_after, then lowest id. Each becomes PROCESSING with
     * attempts+1, a fresh lease token and {@code lease_expires_at = now + lease}. Two concurrent
     * callers never receive the same job.
     *
     * <p>Source flow control (stores that implement the source methods below): a job is claimable only
     * while its source is not paused (by itself or all sources), not blocked by a throttling, its circuit
     * not open (after the cool-down exactly one probe is claimed: half-open, then nothing until it ends),
     * its PROCESSING count below its {@link SourcePolicy#concurrency() cap} and a token of its
     * {@link SourcePolicy#rate() rate} left, all checked and updated atomically with the claim, whatever
     * the number of concurrent claimers. A batch takes jobs round-robin across the eligible sources (the
     * order above within each source), so one source's backlog never holds another's first job back by
     * more than one claim.
     *
     * @throws IllegalArgumentException when {@code workerId} is null or blank, {@code limit} is not
     *                                  1-100000 or {@code lease} is shorter than 1 ms (the contract suite
     *                                  checks the words, e.g. {@code "limit must be 1-100000 but was 0"})
     */
    List<Job> claim(String workerId, int limit, Duration lease);

    /**
     * {@link #claim}, and when to claim again: a claim cut short by source flow control (a rate limit whose next
     * token is due in 50 ms, a throttling's block, a circuit's cool-down) says in
     * {@link ClaimResult#nextClaimableIn()} when, by the store's clock (the database's for a SQL store), the first
     * ready job it held back becomes claimable, so that the runtime claims it then instead of after its poll
     * interval. Jobs held back by a cap or a pause get no hint (a finishing write or an operator frees them).
     *
     * <p>The runtime calls this method. The default calls {@link #claim} and gives no hint (the runtime then
     * polls as before); both built-in stores override it. A decorator that overrides {@link #claim} should
     * override this too, or its claims are made through {@link #claim} without a hint.
     */
    default ClaimResult claimWithHint(String workerId, int limit, Duration lease) {
        return ClaimResult.of(claim(workerId, limit, lease));
    }

    /**
     * Applies the finishing write of a claim, only if the job is still PROCESSING with this lease
     * token, and records the outcome's event.
     *
     * <p>Stored as every store keeps it: an error text with control characters other than tab and
     * line feed (U+0000 included) or lone surrogates has them replaced by U+FFFD (CR LF becomes LF);
     * a result has its {@code \u005Cu0000} escapes replaced by U+FFFD, and must then be valid JSON
     * without duplicate keys of at most 65,536 characters with its numbers written out in plain
     * notation.
     *
     * @return the job after the write
     * @throws LeaseLostException       when the lease no longer matches (nothing is written)
     * @throws IllegalArgumentException when the result cannot be stored (nothing is written; the same
     *                                  result fails again: record the job as failed instead)
     */
    Job finish(JobLease lease, JobOutcome outcome);

    /**
     * {@link #finish(JobLease, JobOutcome)} without waiting: the stage completes with the job after the
     * write, or exceptionally with {@link LeaseLostException} or {@link StoreException}, exactly as
     * {@code finish} would return or throw. The runtime uses it so that a slot's thread does not sit
     * waiting while a store groups many finishing writes into one statement. Callbacks must not assume
     * which thread completes the stage.
     *
     * <p>The default calls {@link #finish} on the calling thread and returns a completed stage; stores
     * that batch writes (e.g. {@code PostgresJobStore}) override it.
     */
    default java.util.concurrent.CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
        try {
            return java.util.concurrent.CompletableFuture.completedFuture(finish(lease, outcome));
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Upserts the worker row and renews every held lease to now + {@code lease} in one round trip.
     *
     * @return ids of the held jobs whose lease could not be renewed (lost: reset or re-claimed)
     */
    Set<Long> heartbeat(WorkerHeartbeat heartbeat);

    /** Marks the worker STOPPED with its final figures (its leases must already be finished). */
    void markWorkerStopped(WorkerInfo worker);

    /**
     * Deletes a worker's row, so that diagnostics stop reporting it: how an operator acknowledges a
     * dead worker whose jobs are handled. Refused, in the same atomic step, while the worker still owns
     * PROCESSING jobs (reset them first). Its jobs and their history are not touched; a worker that is in
     * fact alive is listed again at its next heartbeat.
     *
     * <p>The default throws {@link UnsupportedOperationException}; both built-in stores implement it.
     *
     * @return true when the row was deleted, false when the store has no such worker
     * @throws IllegalStateException when the worker holds PROCESSING jobs (nothing is deleted); the message
     *                               says how many
     * @throws IllegalArgumentException when {@code workerId} is null or blank
     */
    default boolean forgetWorker(String workerId) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot forget workers");
    }

    /** PROCESSING jobs matching the criteria, oldest claim first, at most {@code limit}. */
    List<StaleJob> findStale(StaleCriteria criteria, int limit);

    /**
     * Applies a stale-job decision, fenced by the stale job's lease token: PENDING (worker and lease
     * cleared, run_after = now + delay, reset_count+1) or FAILED. Records a RESET event (and FAILED
     * when failing) with {@code actor} and the stale reason.
     *
     * @return the job after the reset, or empty when it changed meanwhile (its owner finished it)
     */
    Optional<Job> reset(StaleJob stale, StaleDecision decision, String actor);

    /** Records an event in a job's history (used for LEASE_LOST, which changes no row). */
    void recordEvent(long jobId, JobEventType type, String actor, String message);

    /**
     * The latest progress stored for each of {@code jobIds} that has any (written by {@link #heartbeat}), in no
     * particular order. The default returns none: a store that does not keep progress.
     */
    default List<dev.docket.queue.JobProgress> progress(java.util.Collection<Long> jobIds) {
        java.util.Objects.requireNonNull(jobIds, "jobIds");
        return List.of();
    }

    /**
     * The events of type {@code type} of the jobs that {@link #purge purge(olderThan)} would delete now, oldest
     * first, at most {@code limit}: what must be cleaned up outside the store before they go (the files of
     * {@link JobEventType#SNAPSHOT_SAVED} events). The default returns none.
     */
    default List<JobEvent> eventsOfPurgeable(Duration olderThan, JobEventType type, int limit) {
        java.util.Objects.requireNonNull(olderThan, "olderThan");
        java.util.Objects.requireNonNull(type, "type");
        return List.of();
    }

    /** The job, or empty. */
    Optional<Job> find(long jobId);

    /** The job's history, oldest first. */
    List<JobEvent> events(long jobId);

    /** Every worker the store knows, most recent heartbeat first. */
    List<WorkerInfo> workers();

    /** Figures for diagnostics. */
    QueueStats stats();

    /**
     * PENDING → CANCELLED.
     *
     * @return the job after the change
     * @throws JobNotFoundException when there is no such job
     * @throws JobStateException when the job is not PENDING (nothing is changed)
     * @throws IllegalArgumentException when {@code actor} is null or blank
     */
    Job cancel(long jobId, String actor);

    /**
     * FAILED (or CANCELLED) → PENDING with attempts reset to 0.
     *
     * @throws JobNotFoundException when there is no such job
     * @throws JobStateException when the job is not FAILED or CANCELLED, or when another PENDING or PROCESSING
     *                           job holds its idempotency key (nothing is changed)
     * @throws IllegalArgumentException when {@code actor} is null or blank
     */
    Job retry(long jobId, String actor);

    /** Every FAILED job (of {@code documentSource}, or all when null) back to PENDING. Returns the count. */
    int retryAllFailed(String documentSource, String actor);

    /**
     * Deletes COMPLETED, FAILED and CANCELLED jobs (and their events) finished before now - olderThan,
     * and the rows of workers whose last heartbeat is older than that and that hold no PROCESSING job
     * (crashed or stopped workers long gone).
     *
     * @return the number of jobs deleted
     */
    int purge(Duration olderThan);

    // ---------------------------------------------------------------- sources (flow control)

    /**
     * The policy stored for {@code source}, or (with {@code source} null) the stored default policy for sources
     * without their own; empty when none is stored (the default then is {@link SourcePolicy#defaults()}).
     * The default implementation: always empty (a store without source flow control).
     */
    default Optional<SourcePolicy> sourcePolicy(String source) {
        return Optional.empty();
    }

    /**
     * Stores {@code policy} for {@code source} (null: the default policy of every source without its own);
     * {@code policy} null removes it (the source follows the default again; the default becomes
     * {@link SourcePolicy#defaults()}). Takes effect at the next claim. Records a
     * {@link SourceEvent.Type#POLICY_CHANGED} event ({@link SourceEvent#ALL_SOURCES} for the default).
     *
     * @throws IllegalArgumentException when {@code source} is blank or {@code actor} null or blank
     * @throws UnsupportedOperationException when the store has no source flow control (the default)
     */
    default void setSourcePolicy(String source, SourcePolicy policy, String actor) {
        throw new UnsupportedOperationException(getClass().getName() + " has no source flow control");
    }

    /**
     * Pauses {@code source} (null: every source, including those that appear later) with {@code reason}:
     * nothing of it is claimed until it is resumed; its PROCESSING jobs finish. Records a
     * {@link SourceEvent.Type#PAUSED} event. Pausing a paused source replaces the reason.
     *
     * @throws IllegalArgumentException when {@code source} is blank, or {@code reason} or {@code actor} null or
     *                                  blank
     * @throws UnsupportedOperationException when the store has no source flow control (the default)
     */
    default void pauseSource(String source, String reason, String actor) {
        throw new UnsupportedOperationException(getClass().getName() + " has no source flow control");
    }

    /**
     * Resumes {@code source} (null: every source; this also lifts every single source's pause). Resuming a
     * single source while all sources are paused lifts only its own pause. Records a
     * {@link SourceEvent.Type#RESUMED} event.
     *
     * @return true when something was paused
     * @throws IllegalArgumentException when {@code source} is blank or {@code actor} null or blank
     * @throws UnsupportedOperationException when the store has no source flow control (the default)
     */
    default boolean resumeSource(String source, String actor) {
        throw new UnsupportedOperationException(getClass().getName() + " has no source flow control");
    }

    /**
     * Every source with PENDING or PROCESSING jobs, jobs finished in the last 60 minutes, a policy or flow-control
     * state, by name.
     *
     * @throws UnsupportedOperationException when the store has no source flow control (the default)
     */
    default List<SourceStatus> sources() {
        throw new UnsupportedOperationException(getClass().getName() + " has no source flow control");
    }

    /**
     * {@link #sources()} without the figures of the last 60 minutes, cheap enough to read at every dashboard
     * refresh: the state, policy, consecutive failures, last error, and PENDING and PROCESSING counts of every
     * source with live jobs, a policy or flow-control state (a source with only finished jobs may be missing).
     * {@link SourceStatus#completedLast60m()} and {@link SourceStatus#failedLast60m()} are 0 and the extraction
     * time percentiles null. Enough for {@code diagnose}'s source alerts (circuit open, paused with a backlog).
     * The default implementation: {@link #sources()}, figures included.
     *
     * @throws UnsupportedOperationException when the store has no source flow control (the default)
     */
    default List<SourceStatus> sourcesForAlerts() {
        return sources();
    }

    /**
     * The newest {@code limit} events of {@code source} (null: of every source, {@link SourceEvent#ALL_SOURCES}
     * included), oldest first. The default implementation: empty.
     *
     * @throws IllegalArgumentException when {@code limit} is not 1-100000
     */
    default List<SourceEvent> sourceEvents(String source, int limit) {
        return List.of();
    }

    /**
     * Heals the sources' in-flight counts (and a half-open circuit whose probe is gone) against the jobs table,
     * so that a job rescued by the stale monitor, reset by hand-written SQL or finished by a write that failed
     * midway never holds a slot of its source's cap forever. Called by {@link dev.docket.queue.StaleJobMonitor}
     * on every scan. The default implementation does nothing.
     *
     * @return how many sources were corrected
     */
    default int reconcileSources() {
        return 0;
    }

    /** The store's clock, the one every lease is measured with. */
    Instant now();

    /**
     * Registers a callback run (on some store thread, quickly) when jobs may have become claimable
     * (an enqueue, here or in another process). Stores without notifications return a no-op
     * subscription; the runtime then relies on polling.
     */
    default Subscription subscribe(Runnable onJobsAvailable) {
        return () -> { };
    }

    /** Cancels a {@link #subscribe(Runnable)} registration. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
