package dev.docket.queue;

import dev.docket.queue.internal.EventLog;
import dev.docket.queue.internal.FairClaim;
import dev.docket.queue.internal.JobTable;
import dev.docket.queue.internal.MemoryAdmin;
import dev.docket.queue.internal.JobRow;
import dev.docket.queue.internal.ProgressTable;
import dev.docket.queue.internal.SourceState;
import dev.docket.queue.internal.SourceTable;
import dev.docket.queue.internal.StoreChecks;
import dev.docket.queue.internal.StoredText;
import dev.docket.queue.internal.WorkerTable;
import dev.docket.queue.spi.ClaimResult;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.spi.WorkerHeartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobStore} kept in memory: the store for unit tests and for embedded use where losing the
 * queue on restart is acceptable. It is <b>not durable</b> and not shared between processes.
 *
 * <p>Thread-safe: every operation takes one lock and is atomic, like one statement in the SQL store.
 * Claims and finishing writes cost O(log n) per job touched (claimable jobs are kept in a
 * priority-ordered index, future jobs in a run-after index, PROCESSING jobs in their own index), so
 * queues of hundreds of thousands of jobs stay fast. Diagnostics ({@link #stats()},
 * {@link #retryAllFailed(String, String)}) scan the jobs concerned.
 *
 * <p>Time comes from the injected {@link Clock} (a {@link dev.docket.queue.testing.ManualClock} in
 * tests) and every timestamp is truncated to microseconds, the precision PostgreSQL keeps, so the
 * same tests run against both stores. Callbacks registered with {@link #subscribe(Runnable)} run
 * synchronously on the thread that made jobs claimable, after the lock is released; one that throws
 * is logged and ignored.
 *
 * <p>Source flow control (policies, pauses, throttling, circuits, fair claiming) follows the same rules as
 * {@code PostgresJobStore}, so users' unit tests behave like production; see {@code docs/sources.md}.
 *
 * <p>Arguments are checked, and refused with the same words, as by every store
 * ({@code dev.docket.queue.internal.StoreChecks}); invalid transitions throw {@link JobStateException}.
 * {@link #recordEvent} for a job that does not exist (purged) does nothing; {@link #retry} of a job whose
 * idempotency key was meanwhile taken by another live job throws {@link JobStateException}, and
 * {@link #retryAllFailed} skips such jobs.
 */
public final class InMemoryJobStore implements JobStore {
    private static final Logger log = LoggerFactory.getLogger(InMemoryJobStore.class);

    private final Clock clock;
    private final Object lock = new Object();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    // guarded by lock
    private final JobTable jobs = new JobTable();
    private final WorkerTable workers = new WorkerTable();
    private final SourceTable sources = new SourceTable();
    private final EventLog events = new EventLog();
    private final ProgressTable progress = new ProgressTable();
    private final MemoryAdmin admin = new MemoryAdmin(jobs, workers, events, progress);

    /** A store on the system clock (UTC). */
    public InMemoryJobStore() {
        this(Clock.systemUTC());
    }

    /** A store measuring every lease and timestamp with {@code clock}. */
    public InMemoryJobStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public Job enqueue(NewJob job) {
        StoreChecks.notNull("job", job);
        return enqueueAll(List.of(job)).get(0);
    }

    @Override
    public List<Job> enqueueAll(List<NewJob> newJobs) {
        StoreChecks.elements("jobs", newJobs);
        // NewJob is validated at construction and nothing below can fail: the batch is all or none.
        List<Job> out = new ArrayList<>(newJobs.size());
        boolean claimable = false;
        synchronized (lock) {
            Instant now = now();
            for (NewJob n : newJobs) {
                Long existing = jobs.liveKey(n.idempotencyKey());
                if (existing != null) {
                    out.add(jobs.get(existing).toJob());
                    continue;
                }
                JobRow r = jobs.insert(n, n.runAfter() == null ? now : JobTable.micros(n.runAfter()), now);
                claimable |= !r.runAfter.isAfter(now);
                out.add(r.toJob());
            }
        }
        if (claimable) {
            notifyListeners();
        }
        return out;
    }

    @Override
    public List<Job> claim(String workerId, int limit, Duration lease) {
        return claimWithHint(workerId, limit, lease).jobs();
    }

    @Override
    public ClaimResult claimWithHint(String workerId, int limit, Duration lease) {
        StoreChecks.workerId(workerId);
        StoreChecks.limit(limit);
        StoreChecks.lease(lease);
        synchronized (lock) {
            Instant now = now();
            return FairClaim.claim(jobs, sources, workerId, limit, JobTable.micros(now.plus(lease)), now);
        }
    }

    @Override
    public Job finish(JobLease lease, JobOutcome outcome) {
        StoreChecks.notNull("lease", lease);
        StoreChecks.notNull("outcome", outcome);
        String result = outcome.kind() == JobOutcome.Kind.COMPLETED ? StoredText.result(lease.jobId(), outcome.result())
                : null;
        String error = StoredText.clean(outcome.error());
        Job after;
        boolean claimable;
        synchronized (lock) {
            Instant now = now();
            JobRow r = jobs.fenced(lease);
            SourceState.Verdict v = sources.finished(r.documentSource, outcome, error, now, lease.workerId());
            JobOutcome.Kind kind = v == SourceState.Verdict.SOURCE_DOWN ? JobOutcome.Kind.RELEASED : outcome.kind();
            jobs.finish(r, kind, result, error, outcome.delay(), now);
            if (v == SourceState.Verdict.SOURCE_DOWN) {
                addEvent(r.id, JobEventType.SOURCE_DOWN, lease.workerId(), SourceState.sourceDown(r.documentSource, error), now);
            } else if (outcome.event() != null) {
                addEvent(r.id, outcome.event(), lease.workerId(), error, now);
            }
            after = r.toJob();
            claimable = r.status == JobStatus.PENDING && !r.runAfter.isAfter(now);
        }
        if (claimable) {
            notifyListeners();
        }
        return after;
    }

    @Override
    public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
        StoreChecks.notNull("heartbeat", heartbeat);
        StoreChecks.workerId(heartbeat.worker().workerId());
        StoreChecks.lease(heartbeat.lease());
        Set<Long> lost = new LinkedHashSet<>();
        synchronized (lock) {
            Instant now = now();
            workers.upsert(heartbeat.worker(), heartbeat.worker().state(), now);
            Instant expires = JobTable.micros(now.plus(heartbeat.lease()));
            for (JobLease l : heartbeat.leases()) {
                if (!jobs.renew(l, expires, now)) {
                    lost.add(l.jobId());
                }
            }
            progress.keep(heartbeat, lost, now);
        }
        return lost;
    }

    @Override
    public void markWorkerStopped(WorkerInfo worker) {
        StoreChecks.notNull("worker", worker);
        StoreChecks.workerId(worker.workerId());
        synchronized (lock) {
            workers.upsert(worker, WorkerState.STOPPED, now());
        }
    }

    @Override
    public boolean forgetWorker(String workerId) {
        StoreChecks.workerId(workerId);
        synchronized (lock) {
            long held = jobs.owners().stream().filter(workerId::equals).count();
            if (held > 0) {
                throw new IllegalStateException("worker " + workerId + " holds " + held + " PROCESSING job(s): reset"
                        + " them first (reset-stuck-jobs), then forget it");
            }
            return workers.remove(workerId);
        }
    }

    @Override
    public List<StaleJob> findStale(StaleCriteria criteria, int limit) {
        StoreChecks.notNull("criteria", criteria);
        StoreChecks.limit(limit);
        return locked(() -> workers.findStale(jobs.processing(), criteria, limit, now()));
    }

    @Override
    public Optional<Job> reset(StaleJob stale, StaleDecision decision, String actor) {
        StoreChecks.notNull("stale", stale);
        StoreChecks.notNull("decision", decision);
        StoreChecks.actor(actor);
        Job seen = stale.job();
        Job after;
        boolean claimable;
        synchronized (lock) {
            Instant now = now();
            JobRow r = jobs.get(seen.id());
            if (r == null || r.status != JobStatus.PROCESSING || seen.leaseToken() == null
                    || !r.leaseToken.equals(seen.leaseToken())) {
                return Optional.empty();
            }
            sources.left(r.documentSource);
            jobs.reset(r, decision, now);
            addEvent(r.id, JobEventType.RESET, actor, stale.reason(), now);
            if (!decision.isRequeue()) {
                addEvent(r.id, JobEventType.FAILED, actor, decision.failureReason(), now);
            }
            after = r.toJob();
            claimable = r.status == JobStatus.PENDING && !r.runAfter.isAfter(now);
        }
        if (claimable) {
            notifyListeners();
        }
        return Optional.of(after);
    }

    @Override
    public void recordEvent(long jobId, JobEventType type, String actor, String message) {
        StoreChecks.notNull("type", type);
        synchronized (lock) {
            if (jobs.get(jobId) == null) {
                log.debug("event {} for job {} not recorded: the job does not exist", type, jobId);
                return;
            }
            addEvent(jobId, type, actor, message, now());
        }
    }

    @Override
    public Optional<Job> find(long jobId) {
        return locked(() -> Optional.ofNullable(jobs.get(jobId)).map(JobRow::toJob));
    }

    @Override
    public List<JobEvent> events(long jobId) {
        return locked(() -> events.of(jobId));
    }

    @Override
    public List<WorkerInfo> workers() {
        return locked(() -> workers.list());
    }

    @Override
    public QueueStats stats() {
        return locked(() -> jobs.stats(now()));
    }

    @Override
    public Job cancel(long jobId, String actor) {
        StoreChecks.actor(actor);
        return locked(() -> admin.cancel(jobId, actor, now()));
    }

    @Override
    public Job retry(long jobId, String actor) {
        StoreChecks.actor(actor);
        Job after = locked(() -> admin.retry(jobId, actor, now()));
        notifyListeners();
        return after;
    }

    @Override
    public int retryAllFailed(String documentSource, String actor) {
        StoreChecks.actor(actor);
        int n = locked(() -> admin.retryAllFailed(documentSource, actor, now()));
        if (n > 0) {
            notifyListeners();
        }
        return n;
    }

    @Override
    public int purge(Duration olderThan) {
        StoreChecks.olderThan(olderThan);
        return locked(() -> admin.purge(now().minus(olderThan)));
    }

    @Override
    public List<JobProgress> progress(java.util.Collection<Long> jobIds) {
        StoreChecks.notNull("jobIds", jobIds);
        return locked(() -> progress.of(jobIds));
    }

    @Override
    public List<JobEvent> eventsOfPurgeable(Duration olderThan, JobEventType type, int limit) {
        StoreChecks.olderThan(olderThan);
        StoreChecks.notNull("type", type);
        StoreChecks.limit(limit);
        return locked(() -> admin.eventsOfPurgeable(now().minus(olderThan), type, limit));
    }

    // ---------------------------------------------------------------- sources

    @Override
    public Optional<SourcePolicy> sourcePolicy(String source) {
        return locked(() -> sources.storedPolicy(sourceArg(source)));
    }

    @Override
    public void setSourcePolicy(String source, SourcePolicy policy, String actor) {
        StoreChecks.actor(actor);
        locked(() -> sources.setPolicy(sourceArg(source), policy, actor, now()));
        notifyListeners();
    }

    @Override
    public void pauseSource(String source, String reason, String actor) {
        StoreChecks.actor(actor);
        StoreChecks.text("reason", reason);
        locked(() -> sources.pause(sourceArg(source), reason, actor, now()));
    }

    @Override
    public boolean resumeSource(String source, String actor) {
        StoreChecks.actor(actor);
        boolean was = locked(() -> sources.resume(sourceArg(source), actor, now()));
        notifyListeners();
        return was;
    }

    @Override
    public List<SourceStatus> sources() {
        return locked(() -> sources.statuses(jobs, now()));
    }

    @Override
    public List<SourceStatus> sourcesForAlerts() {
        return locked(() -> sources.statusesForAlerts(jobs, now()));
    }

    @Override
    public List<SourceEvent> sourceEvents(String source, int limit) {
        StoreChecks.limit(limit);
        return locked(() -> sources.events(source, limit));
    }

    @Override
    public int reconcileSources() {
        return locked(() -> sources.reconcile(s -> jobs.count(s, JobStatus.PROCESSING)));
    }

    @Override
    public Subscription subscribe(Runnable onJobsAvailable) {
        StoreChecks.notNull("onJobsAvailable", onJobsAvailable);
        listeners.add(onJobsAvailable);
        return () -> listeners.remove(onJobsAvailable);
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemoryJobStore{jobs=" + jobs.size() + ", counts=" + jobs.counts() + ", workers=" + workers.size()
                    + "}";
        }
    }

    private void notifyListeners() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("a jobs-available listener {} threw; ignored", l, e);
            }
        }
    }

    /** A source argument: null (all sources, the default) or not blank. */
    private static String sourceArg(String source) {
        return source == null ? null : StoreChecks.text("source", source);
    }

    /** Runs {@code op} under the store's lock. */
    private <T> T locked(java.util.function.Supplier<T> op) {
        synchronized (lock) {
            return op.get();
        }
    }

    private void locked(Runnable op) {
        synchronized (lock) {
            op.run();
        }
    }

    private void addEvent(long jobId, JobEventType type, String actor, String message, Instant at) {
        events.add(jobId, type, actor, message, at);
    }
}
