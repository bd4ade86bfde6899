package dev.docket.queue.internal;

import dev.docket.queue.JobStatus;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.spi.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The in-memory store's jobs and their indexes: claimable jobs in a priority-ordered index per source, future
 * jobs in a run-after index, PROCESSING jobs by claim time, finished jobs by completion time, the live
 * idempotency keys, and counts per status and per source and status. Every change goes through
 * {@link #update(JobRow, Instant, Consumer)}, which takes the row out of its index before the change and puts it
 * back after, so no sorted index ever holds a row under a stale key. Not thread-safe: the store's lock guards it.
 */
public final class JobTable {
    /** Claim order within a source: priority desc, run_after asc, id asc. */
    private static final Comparator<JobRow> CLAIM_ORDER = Comparator.<JobRow>comparingInt(r -> -r.priority)
            .thenComparing(r -> r.runAfter)
            .thenComparingLong(r -> r.id);
    private static final Comparator<JobRow> RUN_AFTER_ORDER = Comparator.<JobRow, Instant>comparing(r -> r.runAfter)
            .thenComparingLong(r -> r.id);
    private static final Comparator<JobRow> PROCESSING_ORDER = Comparator.<JobRow, Instant>comparing(r -> r.processingStartedAt)
            .thenComparingLong(r -> r.id);
    private static final Comparator<JobRow> COMPLETED_ORDER = Comparator.<JobRow, Instant>comparing(r -> r.completedAt)
            .thenComparingLong(r -> r.id);

    private long nextId = 1;
    private final Map<Long, JobRow> jobs = new HashMap<>();
    /** PENDING jobs whose run_after had been reached when last looked at, per source. */
    private final Map<String, TreeSet<JobRow>> ready = new HashMap<>();
    /** PENDING jobs to run later. */
    private final TreeSet<JobRow> delayed = new TreeSet<>(RUN_AFTER_ORDER);
    private final TreeSet<JobRow> processing = new TreeSet<>(PROCESSING_ORDER);
    /** COMPLETED, FAILED and CANCELLED jobs by completion time. */
    private final TreeSet<JobRow> finished = new TreeSet<>(COMPLETED_ORDER);
    /** Idempotency key → id of the live (non-terminal) job that has it. */
    private final Map<String, Long> liveKeys = new HashMap<>();
    private final Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    /** Per source: jobs by status. */
    private final Map<String, long[]> sourceCounts = new TreeMap<>();

    public JobTable() {
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0L);
        }
    }

    /** Adds a PENDING job. */
    public JobRow insert(NewJob n, Instant runAfter, Instant now) {
        JobRow r = new JobRow(nextId++, n, runAfter, now);
        jobs.put(r.id, r);
        index(r, now);
        return r;
    }

    /** The job, or null. */
    public JobRow get(long id) {
        return jobs.get(id);
    }

    /** Id of the live job that has the idempotency key, or null. */
    public Long liveKey(String key) {
        return key == null ? null : liveKeys.get(key);
    }

    /** Applies a change to a row, keeping indexes, counts and idempotency keys right. */
    public void update(JobRow r, Instant now, Consumer<JobRow> change) {
        unindex(r);
        change.accept(r);
        r.updatedAt = now;
        index(r, now);
    }

    /** Moves PENDING jobs whose run_after has come from the delayed to the ready index. */
    public void promoteDue(Instant now) {
        while (!delayed.isEmpty()) {
            JobRow r = delayed.first();
            if (r.runAfter.isAfter(now)) {
                return;
            }
            delayed.pollFirst();
            readyOf(r.documentSource).add(r);
        }
    }

    /** The sources that have ready jobs. */
    public Collection<String> readySources() {
        return ready.keySet();
    }

    /**
     * The next ready job of {@code source} in claim order that is due at {@code now}, or null. A job that is not
     * due after all (the clock was set back) moves to the delayed index.
     */
    public JobRow nextReady(String source, Instant now) {
        TreeSet<JobRow> s = ready.get(source);
        while (s != null && !s.isEmpty()) {
            JobRow r = s.first();
            if (!r.runAfter.isAfter(now)) {
                return r;
            }
            s.pollFirst();
            delayed.add(r);
        }
        return null;
    }

    /** PROCESSING jobs, oldest claim first. */
    public NavigableSet<JobRow> processing() {
        return processing;
    }

    /** Finished jobs completed at or after {@code since}, oldest first. */
    public NavigableSet<JobRow> finishedSince(Instant since) {
        return finished.tailSet(probe(since), true);
    }

    /** Finished jobs completed before {@code cutoff}, oldest first (removing through it is not allowed). */
    public List<JobRow> finishedBefore(Instant cutoff) {
        return new ArrayList<>(finished.headSet(probe(cutoff), false));
    }

    /** Every finished job, oldest first. */
    public NavigableSet<JobRow> finished() {
        return finished;
    }

    /** Deletes a finished job. */
    public void delete(JobRow r) {
        unindex(r);
        jobs.remove(r.id);
    }

    /** Every job. */
    public Collection<JobRow> all() {
        return jobs.values();
    }

    /** Jobs per status (a copy). */
    public Map<JobStatus, Long> counts() {
        return new EnumMap<>(counts);
    }

    /** Jobs of {@code source} in {@code status}. */
    public long count(String source, JobStatus status) {
        long[] c = sourceCounts.get(source);
        return c == null ? 0 : c[status.ordinal()];
    }

    /** Every source with at least one job, by name. */
    public Collection<String> sources() {
        return sourceCounts.keySet();
    }

    public int size() {
        return jobs.size();
    }

    /**
     * Applies a finishing write of kind {@code kind} to a PROCESSING row: COMPLETED with the result, FAILED with
     * the error, RETRY after {@code delay}, RELEASED or THROTTLED at once giving the attempt back.
     */
    public void finish(JobRow r, JobOutcome.Kind kind, String result, String error, Duration delay, Instant now) {
        update(r, now, x -> {
            x.leaseToken = null;
            x.leaseExpiresAt = null;
            switch (kind) {
                case COMPLETED -> x.result = result;
                case RETRY -> x.runAfter = micros(now.plus(delay));
                case RELEASED, THROTTLED -> {
                    x.runAfter = now;
                    x.attempts = Math.max(0, x.attempts - 1);
                }
                default -> { }
            }
            x.lastError = kind == JobOutcome.Kind.COMPLETED ? x.lastError : error;
            x.status = kind == JobOutcome.Kind.COMPLETED ? JobStatus.COMPLETED
                    : kind == JobOutcome.Kind.FAILED ? JobStatus.FAILED : JobStatus.PENDING;
            if (x.status == JobStatus.PENDING) {
                x.workerId = null;
            } else {
                x.completedAt = now;
            }
        });
    }

    /** The job if it is PROCESSING under this lease, else LeaseLostException. */
    public JobRow fenced(dev.docket.queue.spi.JobLease lease) {
        JobRow r = jobs.get(lease.jobId());
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

    /** The owners of the PROCESSING jobs, one entry per job. */
    public List<String> owners() {
        List<String> out = new ArrayList<>(processing.size());
        processing.forEach(r -> out.add(r.workerId));
        return out;
    }

    /** A PENDING row → CANCELLED. */
    public void cancel(JobRow r, Instant now) {
        update(r, now, x -> {
            x.status = JobStatus.CANCELLED;
            x.completedAt = now;
        });
    }

    /** Stale reset of a PROCESSING row: PENDING after the decision's delay, or FAILED with its reason. */
    public void reset(JobRow r, dev.docket.queue.StaleDecision decision, Instant now) {
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
    }

    /** A FAILED or CANCELLED row back to PENDING with no attempts spent; returns the status it had. */
    public JobStatus requeue(JobRow r, Instant now) {
        JobStatus was = r.status;
        update(r, now, x -> {
            x.status = JobStatus.PENDING;
            x.attempts = 0;
            x.runAfter = now;
            x.completedAt = null;
            x.workerId = null;
        });
        return was;
    }

    /** The FAILED jobs of {@code source} (every source when null), oldest first. */
    public List<JobRow> failed(String source) {
        List<JobRow> out = new ArrayList<>();
        for (JobRow r : finished) {
            if (r.status == JobStatus.FAILED && (source == null || source.equals(r.documentSource))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Renews the lease of a PROCESSING row held with this token; false when it is not held (lost). */
    public boolean renew(dev.docket.queue.spi.JobLease lease, Instant expires, Instant now) {
        JobRow r = jobs.get(lease.jobId());
        if (r == null || r.status != JobStatus.PROCESSING || !r.leaseToken.equals(lease.token())) {
            return false;
        }
        r.leaseExpiresAt = expires; // not an index key: no re-indexing needed
        r.updatedAt = now;
        return true;
    }

    /** The queue's figures at {@code now} (counts, oldest due PENDING job, completions and failures in 5/60 min). */
    public QueueStats stats(Instant now) {
        promoteDue(now);
        Instant oldestPending = null;
        for (TreeSet<JobRow> s : ready.values()) {
            for (JobRow r : s) {
                if (!r.runAfter.isAfter(now) && (oldestPending == null || r.createdAt.isBefore(oldestPending))) {
                    oldestPending = r.createdAt;
                }
            }
        }
        long[] c = new long[4]; // completed 5m, failed 5m, completed 60m, failed 60m
        Instant since5 = now.minus(Duration.ofMinutes(5));
        for (JobRow r : finishedSince(now.minus(Duration.ofMinutes(60)))) {
            if (r.completedAt.isAfter(now)) {
                break; // the clock was set back
            }
            int i = r.status == JobStatus.COMPLETED ? 0 : r.status == JobStatus.FAILED ? 1 : -1;
            if (i >= 0) {
                c[i + 2]++;
                c[i] += r.completedAt.isBefore(since5) ? 0 : 1;
            }
        }
        return new QueueStats(counts(), oldestPending, c[0], c[1], c[2], c[3], now);
    }

    private TreeSet<JobRow> readyOf(String source) {
        return ready.computeIfAbsent(source, k -> new TreeSet<>(CLAIM_ORDER));
    }

    private void index(JobRow r, Instant now) {
        counts.merge(r.status, 1L, Long::sum);
        sourceCounts.computeIfAbsent(r.documentSource, k -> new long[JobStatus.values().length])[r.status.ordinal()]++;
        switch (r.status) {
            case PENDING -> {
                if (r.runAfter.isAfter(now)) {
                    delayed.add(r);
                } else {
                    readyOf(r.documentSource).add(r);
                }
            }
            case PROCESSING -> processing.add(r);
            default -> finished.add(r);
        }
        if (r.idempotencyKey != null && !r.status.isTerminal()) {
            liveKeys.put(r.idempotencyKey, r.id);
        }
    }

    private void unindex(JobRow r) {
        counts.merge(r.status, -1L, Long::sum);
        long[] c = sourceCounts.get(r.documentSource);
        c[r.status.ordinal()]--;
        switch (r.status) {
            case PENDING -> {
                TreeSet<JobRow> s = ready.get(r.documentSource);
                if (s == null || !s.remove(r)) {
                    delayed.remove(r);
                } else if (s.isEmpty()) {
                    ready.remove(r.documentSource);
                }
            }
            case PROCESSING -> processing.remove(r);
            default -> finished.remove(r);
        }
        if (r.idempotencyKey != null) {
            liveKeys.remove(r.idempotencyKey, r.id);
        }
        for (long x : c) {
            if (x != 0) {
                return;
            }
        }
        sourceCounts.remove(r.documentSource); // put back by index() unless the job is deleted
    }

    /** A key for range queries on {@link #finished}: sorts before every row completed at {@code at}. */
    private static JobRow probe(Instant at) {
        JobRow p = new JobRow(Long.MIN_VALUE);
        p.completedAt = at;
        return p;
    }

    /** Truncates to microseconds, the precision PostgreSQL keeps. */
    public static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
