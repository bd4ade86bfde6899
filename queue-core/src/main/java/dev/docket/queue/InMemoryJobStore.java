package dev.docket.queue;

import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.internal.StaleReasons;
import dev.docket.queue.internal.StoreChecks;
import dev.docket.queue.internal.StoredText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
 * <p>Arguments are checked, and refused with the same words, as by every store
 * ({@code dev.docket.queue.internal.StoreChecks}); invalid transitions throw {@link JobStateException}.
 * {@link #recordEvent} for a job that does not exist (purged) does nothing; {@link #retry} of a job whose
 * idempotency key was meanwhile taken by another live job throws {@link JobStateException}, and
 * {@link #retryAllFailed} skips such jobs.
 */
public final class InMemoryJobStore implements JobStore {
    private static final Logger log = LoggerFactory.getLogger(InMemoryJobStore.class);
    private static final Duration LAST_5M = Duration.ofMinutes(5);
    private static final Duration LAST_60M = Duration.ofMinutes(60);

    /** Claim order: priority desc, run_after asc, id asc. */
    private static final Comparator<Row> CLAIM_ORDER = Comparator.<Row>comparingInt(r -> -r.priority)
            .thenComparing(r -> r.runAfter)
            .thenComparingLong(r -> r.id);
    private static final Comparator<Row> RUN_AFTER_ORDER = Comparator.<Row, Instant>comparing(r -> r.runAfter)
            .thenComparingLong(r -> r.id);
    private static final Comparator<Row> PROCESSING_ORDER = Comparator.<Row, Instant>comparing(r -> r.processingStartedAt)
            .thenComparingLong(r -> r.id);
    private static final Comparator<Row> COMPLETED_ORDER = Comparator.<Row, Instant>comparing(r -> r.completedAt)
            .thenComparingLong(r -> r.id);

    private final Clock clock;
    private final Object lock = new Object();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    // Everything below is guarded by lock. A Row is removed from its index before it changes and
    // put back afterwards (see update), so the sorted indexes never hold a row under a stale key.
    private long nextId = 1;
    private final Map<Long, Row> jobs = new HashMap<>();
    /** PENDING jobs whose run_after had been reached when last looked at. */
    private final TreeMap<Row, Row> ready = new TreeMap<>(CLAIM_ORDER);
    /** PENDING jobs to run later. */
    private final TreeMap<Row, Row> delayed = new TreeMap<>(RUN_AFTER_ORDER);
    private final TreeMap<Row, Row> processing = new TreeMap<>(PROCESSING_ORDER);
    /** COMPLETED, FAILED and CANCELLED jobs by completion time. */
    private final TreeMap<Row, Row> finished = new TreeMap<>(COMPLETED_ORDER);
    /** Idempotency key → id of the live (non-terminal) job that has it. */
    private final Map<String, Long> liveKeys = new HashMap<>();
    private final Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    private final Map<Long, List<JobEvent>> events = new HashMap<>();
    private final Map<String, WorkerInfo> workers = new HashMap<>();
    /** Job id → the latest progress a heartbeat carried for it. */
    private final Map<Long, JobProgress> progress = new HashMap<>();

    /** A store on the system clock (UTC). */
    public InMemoryJobStore() {
        this(Clock.systemUTC());
    }

    /** A store measuring every lease and timestamp with {@code clock}. */
    public InMemoryJobStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0L);
        }
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
                Long existing = n.idempotencyKey() == null ? null : liveKeys.get(n.idempotencyKey());
                if (existing != null) {
                    out.add(jobs.get(existing).toJob());
                    continue;
                }
                Row r = new Row(nextId++, n, n.runAfter() == null ? now : micros(n.runAfter()), now);
                jobs.put(r.id, r);
                index(r, now);
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
        StoreChecks.workerId(workerId);
        StoreChecks.limit(limit);
        StoreChecks.lease(lease);
        List<Job> out = new ArrayList<>(Math.min(limit, 64));
        synchronized (lock) {
            Instant now = now();
            promoteDue(now);
            Instant expires = micros(now.plus(lease));
            while (out.size() < limit && !ready.isEmpty()) {
                Row r = ready.firstKey();
                if (r.runAfter.isAfter(now)) {
                    // the clock was set back: this job is not due after all
                    ready.remove(r);
                    delayed.put(r, r);
                    continue;
                }
                update(r, now, x -> {
                    x.status = JobStatus.PROCESSING;
                    x.workerId = workerId;
                    x.processingStartedAt = now;
                    x.attempts++;
                    x.leaseToken = UUID.randomUUID();
                    x.leaseExpiresAt = expires;
                });
                out.add(r.toJob());
            }
        }
        return out;
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
            Row r = fenced(lease);
            update(r, now, x -> {
                x.leaseToken = null;
                x.leaseExpiresAt = null;
                switch (outcome.kind()) {
                    case COMPLETED:
                        x.status = JobStatus.COMPLETED;
                        x.result = result;
                        x.completedAt = now;
                        break;
                    case FAILED:
                        x.status = JobStatus.FAILED;
                        x.lastError = error;
                        x.completedAt = now;
                        break;
                    case RETRY:
                        x.status = JobStatus.PENDING;
                        x.workerId = null;
                        x.lastError = error;
                        x.runAfter = micros(now.plus(outcome.delay()));
                        break;
                    case RELEASED:
                        x.status = JobStatus.PENDING;
                        x.workerId = null;
                        x.lastError = error;
                        x.runAfter = now;
                        x.attempts = Math.max(0, x.attempts - 1);
                        break;
                    default:
                        throw new IllegalStateException("unknown outcome kind " + outcome.kind());
                }
            });
            if (outcome.event() != null) {
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

    /** The job if it is PROCESSING under this lease, else LeaseLostException. Holds the lock. */
    private Row fenced(JobLease lease) {
        Row r = jobs.get(lease.jobId());
        if (r == null) {
            throw new LeaseLostException(lease.jobId(), "the job does not exist (purged?)");
        }
        if (r.status != JobStatus.PROCESSING) {
            throw new LeaseLostException(lease.jobId(), "the job is " + r.status + ", no longer PROCESSING under "
                    + "the lease of worker " + lease.workerId());
        }
        if (!r.leaseToken.equals(lease.token())) {
            throw new LeaseLostException(lease.jobId(), "the job was re-claimed by worker " + r.workerId
                    + "; worker " + lease.workerId() + " holds an old lease token");
        }
        return r;
    }

    @Override
    public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
        StoreChecks.notNull("heartbeat", heartbeat);
        StoreChecks.workerId(heartbeat.worker().workerId());
        StoreChecks.lease(heartbeat.lease());
        Set<Long> lost = new LinkedHashSet<>();
        synchronized (lock) {
            Instant now = now();
            upsertWorker(heartbeat.worker(), heartbeat.worker().state(), now);
            Instant expires = micros(now.plus(heartbeat.lease()));
            for (JobLease l : heartbeat.leases()) {
                Row r = jobs.get(l.jobId());
                if (r != null && r.status == JobStatus.PROCESSING && r.leaseToken.equals(l.token())) {
                    // lease_expires_at is not an index key: no re-indexing needed
                    r.leaseExpiresAt = expires;
                    r.updatedAt = now;
                } else {
                    lost.add(l.jobId());
                }
            }
            keepProgress(heartbeat, lost, now);
        }
        return lost;
    }

    @Override
    public void markWorkerStopped(WorkerInfo worker) {
        StoreChecks.notNull("worker", worker);
        StoreChecks.workerId(worker.workerId());
        synchronized (lock) {
            upsertWorker(worker, WorkerState.STOPPED, now());
        }
    }

    @Override
    public boolean forgetWorker(String workerId) {
        StoreChecks.workerId(workerId);
        synchronized (lock) {
            long held = processing.keySet().stream().filter(r -> workerId.equals(r.workerId)).count();
            if (held > 0) {
                throw new IllegalStateException("worker " + workerId + " holds " + held + " PROCESSING job(s): reset"
                        + " them first (reset-stuck-jobs), then forget it");
            }
            return workers.remove(workerId) != null;
        }
    }

    private void upsertWorker(WorkerInfo w, WorkerState state, Instant now) {
        WorkerInfo old = workers.get(w.workerId());
        Instant startedAt;
        if (w.startedAt() != null && !w.startedAt().equals(Instant.EPOCH)) {
            startedAt = micros(w.startedAt());
        } else {
            startedAt = old != null ? old.startedAt() : now;
        }
        workers.put(w.workerId(), new WorkerInfo(w.workerId(), w.host(), w.pid(), state, startedAt, now,
                w.concurrency(), w.inFlight(), w.jobsCompleted(), w.jobsFailed(), StoredText.clean(w.lastError())));
    }

    @Override
    public List<StaleJob> findStale(StaleCriteria criteria, int limit) {
        StoreChecks.notNull("criteria", criteria);
        StoreChecks.limit(limit);
        List<StaleJob> out = new ArrayList<>();
        synchronized (lock) {
            Instant now = now();
            for (Row r : processing.keySet()) {
                if (out.size() >= limit) {
                    break;
                }
                String reason = staleReason(r, criteria, now);
                if (reason != null) {
                    out.add(new StaleJob(r.toJob(), reason));
                }
            }
        }
        return out;
    }

    /** Why the PROCESSING job is stale under the criteria (every matching criterion), or null. */
    private String staleReason(Row r, StaleCriteria c, Instant now) {
        WorkerInfo owner = workers.get(r.workerId);
        boolean ownerStopped = owner != null && owner.state() == WorkerState.STOPPED;
        boolean leaseExpired = r.leaseExpiresAt == null || !r.leaseExpiresAt.isAfter(now);
        boolean ownerSilent = owner != null && c.ownerSilentFor() != null
                && owner.lastHeartbeat().isBefore(now.minus(c.ownerSilentFor()));
        boolean tooLong = c.processingLongerThan() != null && (r.processingStartedAt == null
                || r.processingStartedAt.isBefore(now.minus(c.processingLongerThan())));
        return StaleReasons.reason(c, new StaleReasons.Facts(r.workerId, r.leaseExpiresAt != null, leaseExpired,
                leaseExpired && r.leaseExpiresAt != null ? Duration.between(r.leaseExpiresAt, now) : Duration.ZERO,
                owner == null, ownerStopped, ownerSilent,
                owner == null ? Duration.ZERO : Duration.between(owner.lastHeartbeat(), now), tooLong,
                r.processingStartedAt == null ? null : Duration.between(r.processingStartedAt, now)));
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
            Row r = jobs.get(seen.id());
            if (r == null || r.status != JobStatus.PROCESSING || seen.leaseToken() == null
                    || !r.leaseToken.equals(seen.leaseToken())) {
                return Optional.empty();
            }
            update(r, now, x -> {
                x.leaseToken = null;
                x.leaseExpiresAt = null;
                x.resetCount++;
                if (decision.isRequeue()) {
                    x.status = JobStatus.PENDING;
                    x.workerId = null;
                    x.runAfter = micros(now.plus(decision.delay()));
                } else {
                    x.status = JobStatus.FAILED;
                    x.lastError = StoredText.clean(decision.failureReason());
                    x.completedAt = now;
                }
            });
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
            if (!jobs.containsKey(jobId)) {
                log.debug("event {} for job {} not recorded: the job does not exist", type, jobId);
                return;
            }
            addEvent(jobId, type, actor, message, now());
        }
    }

    @Override
    public Optional<Job> find(long jobId) {
        synchronized (lock) {
            Row r = jobs.get(jobId);
            return r == null ? Optional.empty() : Optional.of(r.toJob());
        }
    }

    @Override
    public List<JobEvent> events(long jobId) {
        synchronized (lock) {
            List<JobEvent> e = events.get(jobId);
            return e == null ? List.of() : List.copyOf(e);
        }
    }

    @Override
    public List<WorkerInfo> workers() {
        List<WorkerInfo> out;
        synchronized (lock) {
            out = new ArrayList<>(workers.values());
        }
        out.sort(Comparator.comparing(WorkerInfo::lastHeartbeat, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(WorkerInfo::workerId));
        return out;
    }

    @Override
    public QueueStats stats() {
        synchronized (lock) {
            Instant now = now();
            promoteDue(now);
            Instant oldestPending = null;
            for (Row r : ready.keySet()) {
                if (!r.runAfter.isAfter(now) && (oldestPending == null || r.createdAt.isBefore(oldestPending))) {
                    oldestPending = r.createdAt;
                }
            }
            long completed5 = 0;
            long failed5 = 0;
            long completed60 = 0;
            long failed60 = 0;
            Instant since5 = now.minus(LAST_5M);
            Instant since60 = now.minus(LAST_60M);
            for (Row r : finished.tailMap(probe(since60), true).keySet()) {
                if (r.completedAt.isAfter(now)) {
                    break; // the clock was set back
                }
                boolean recent = !r.completedAt.isBefore(since5);
                if (r.status == JobStatus.COMPLETED) {
                    completed60++;
                    completed5 += recent ? 1 : 0;
                } else if (r.status == JobStatus.FAILED) {
                    failed60++;
                    failed5 += recent ? 1 : 0;
                }
            }
            return new QueueStats(new EnumMap<>(counts), oldestPending, completed5, failed5, completed60, failed60,
                    now);
        }
    }

    @Override
    public Job cancel(long jobId, String actor) {
        StoreChecks.actor(actor);
        synchronized (lock) {
            Instant now = now();
            Row r = jobs.get(jobId);
            if (r == null) {
                throw new JobNotFoundException(jobId);
            }
            if (r.status != JobStatus.PENDING) {
                throw StoreChecks.notCancellable(jobId, r.status);
            }
            update(r, now, x -> {
                x.status = JobStatus.CANCELLED;
                x.completedAt = now;
            });
            addEvent(jobId, JobEventType.CANCELLED, actor, "cancelled by " + actor, now);
            return r.toJob();
        }
    }

    @Override
    public Job retry(long jobId, String actor) {
        StoreChecks.actor(actor);
        Job after;
        synchronized (lock) {
            Instant now = now();
            Row r = jobs.get(jobId);
            if (r == null) {
                throw new JobNotFoundException(jobId);
            }
            if (r.status != JobStatus.FAILED && r.status != JobStatus.CANCELLED) {
                throw StoreChecks.notRetryable(jobId, r.status);
            }
            Long holder = r.idempotencyKey == null ? null : liveKeys.get(r.idempotencyKey);
            if (holder != null) {
                throw StoreChecks.keyTaken(jobId, r.status, r.idempotencyKey, holder);
            }
            requeueFinished(r, actor, now);
            after = r.toJob();
        }
        notifyListeners();
        return after;
    }

    @Override
    public int retryAllFailed(String documentSource, String actor) {
        StoreChecks.actor(actor);
        int n = 0;
        synchronized (lock) {
            Instant now = now();
            List<Row> failed = new ArrayList<>();
            for (Row r : finished.keySet()) {
                if (r.status == JobStatus.FAILED && (documentSource == null || documentSource.equals(r.documentSource))) {
                    failed.add(r);
                }
            }
            for (Row r : failed) {
                Long holder = r.idempotencyKey == null ? null : liveKeys.get(r.idempotencyKey);
                if (holder != null) {
                    log.info("job {} not retried: job {} with the same idempotency key is live", r.id, holder);
                    continue;
                }
                requeueFinished(r, actor, now);
                n++;
            }
        }
        if (n > 0) {
            notifyListeners();
        }
        return n;
    }

    private void requeueFinished(Row r, String actor, Instant now) {
        JobStatus was = r.status;
        update(r, now, x -> {
            x.status = JobStatus.PENDING;
            x.attempts = 0;
            x.runAfter = now;
            x.completedAt = null;
            x.workerId = null;
        });
        addEvent(r.id, JobEventType.RETRIED, actor, "retried by " + actor + " (was " + was + ")", now);
    }

    @Override
    public int purge(Duration olderThan) {
        StoreChecks.olderThan(olderThan);
        synchronized (lock) {
            Instant cutoff = now().minus(olderThan);
            int n = 0;
            for (Iterator<Row> it = finished.headMap(probe(cutoff), false).keySet().iterator(); it.hasNext(); ) {
                Row r = it.next();
                it.remove();
                jobs.remove(r.id);
                events.remove(r.id);
                progress.remove(r.id);
                counts.merge(r.status, -1L, Long::sum);
                n++;
            }
            java.util.Set<String> owners = new java.util.HashSet<>();
            for (Row r : jobs.values()) {
                if (r.status == JobStatus.PROCESSING && r.workerId != null) {
                    owners.add(r.workerId);
                }
            }
            workers.values().removeIf(w -> w.lastHeartbeat() != null && w.lastHeartbeat().isBefore(cutoff)
                    && !owners.contains(w.workerId()));
            return n;
        }
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
            return "InMemoryJobStore{jobs=" + jobs.size() + ", counts=" + counts + ", workers=" + workers.size() + "}";
        }
    }

    // ---------------------------------------------------------------- internals (hold the lock)

    private void notifyListeners() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("a jobs-available listener {} threw; ignored", l, e);
            }
        }
    }

    /** Moves PENDING jobs whose run_after has come from the delayed to the ready index. */
    private void promoteDue(Instant now) {
        while (!delayed.isEmpty()) {
            Row r = delayed.firstKey();
            if (r.runAfter.isAfter(now)) {
                return;
            }
            delayed.remove(r);
            ready.put(r, r);
        }
    }

    /** Applies a change to a row, keeping indexes, counts and idempotency keys right. */
    private void update(Row r, Instant now, Consumer<Row> change) {
        unindex(r);
        change.accept(r);
        r.updatedAt = now;
        index(r, now);
    }

    private void index(Row r, Instant now) {
        counts.merge(r.status, 1L, Long::sum);
        switch (r.status) {
            case PENDING:
                if (r.runAfter.isAfter(now)) {
                    delayed.put(r, r);
                } else {
                    ready.put(r, r);
                }
                break;
            case PROCESSING:
                processing.put(r, r);
                break;
            default:
                finished.put(r, r);
        }
        if (r.idempotencyKey != null && !r.status.isTerminal()) {
            liveKeys.put(r.idempotencyKey, r.id);
        }
    }

    private void unindex(Row r) {
        counts.merge(r.status, -1L, Long::sum);
        switch (r.status) {
            case PENDING:
                if (ready.remove(r) == null) {
                    delayed.remove(r);
                }
                break;
            case PROCESSING:
                processing.remove(r);
                break;
            default:
                finished.remove(r);
        }
        if (r.idempotencyKey != null) {
            liveKeys.remove(r.idempotencyKey, r.id);
        }
    }

    /** Keeps the heartbeat's progress of the jobs whose lease it renewed (under the lock). */
    private void keepProgress(WorkerHeartbeat heartbeat, Set<Long> lost, Instant now) {
        Set<Long> renewed = new java.util.HashSet<>();
        for (JobLease l : heartbeat.leases()) {
            if (!lost.contains(l.jobId())) {
                renewed.add(l.jobId());
            }
        }
        for (JobProgress p : heartbeat.progress()) {
            if (renewed.contains(p.jobId())) {
                progress.put(p.jobId(), new JobProgress(p.jobId(), p.attempt(), p.workerId(), p.step(), p.fraction(), now));
            }
        }
    }

    @Override
    public List<JobProgress> progress(java.util.Collection<Long> jobIds) {
        StoreChecks.notNull("jobIds", jobIds);
        List<JobProgress> out = new ArrayList<>();
        synchronized (lock) {
            for (Long id : jobIds) {
                JobProgress p = id == null ? null : progress.get(id);
                if (p != null) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    @Override
    public List<JobEvent> eventsOfPurgeable(Duration olderThan, JobEventType type, int limit) {
        StoreChecks.olderThan(olderThan);
        StoreChecks.notNull("type", type);
        StoreChecks.limit(limit);
        List<JobEvent> out = new ArrayList<>();
        synchronized (lock) {
            for (Row r : finished.headMap(probe(now().minus(olderThan)), false).keySet()) {
                for (JobEvent e : events.getOrDefault(r.id, List.of())) {
                    if (e.type() == type && out.size() < limit) {
                        out.add(e);
                    }
                }
            }
        }
        return out;
    }

    private void addEvent(long jobId, JobEventType type, String actor, String message, Instant at) {
        events.computeIfAbsent(jobId, k -> new ArrayList<>(2))
                .add(new JobEvent(jobId, type, StoredText.clean(actor), StoredText.clean(message), at));
    }

    /** A key for range queries on {@link #finished}: sorts before every row completed at {@code at}. */
    private static Row probe(Instant at) {
        Row p = new Row(Long.MIN_VALUE);
        p.completedAt = at;
        return p;
    }

    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /** The mutable state of one job; only touched under the store's lock. */
    private static final class Row {
        final long id;
        String documentSource;
        String documentNumber;
        String payload;
        JobStatus status;
        int priority;
        int attempts;
        int maxAttempts;
        Instant runAfter;
        String workerId;
        UUID leaseToken;
        Instant leaseExpiresAt;
        Instant processingStartedAt;
        int resetCount;
        String lastError;
        String result;
        String idempotencyKey;
        Instant createdAt;
        Instant updatedAt;
        Instant completedAt;

        Row(long id) {
            this.id = id;
        }

        Row(long id, NewJob n, Instant runAfter, Instant now) {
            this(id);
            documentSource = n.documentSource();
            documentNumber = n.documentNumber();
            payload = n.payload();
            status = JobStatus.PENDING;
            priority = n.priority();
            maxAttempts = n.maxAttempts();
            this.runAfter = runAfter;
            idempotencyKey = n.idempotencyKey();
            createdAt = now;
            updatedAt = now;
        }

        Job toJob() {
            return Job.builder(id, documentSource, documentNumber).payload(payload).status(status).priority(priority)
                    .attempts(attempts).maxAttempts(maxAttempts).runAfter(runAfter).workerId(workerId)
                    .leaseToken(leaseToken).leaseExpiresAt(leaseExpiresAt).processingStartedAt(processingStartedAt)
                    .resetCount(resetCount).lastError(lastError).result(result).idempotencyKey(idempotencyKey)
                    .createdAt(createdAt).updatedAt(updatedAt).completedAt(completedAt).build();
        }
    }
}
