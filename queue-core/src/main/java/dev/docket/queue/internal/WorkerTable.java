package dev.docket.queue.internal;

import dev.docket.queue.StaleCriteria;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The in-memory store's worker registry: upsert, list, forget, purge, and the stale reasons of their jobs. Not thread-safe: the store's lock guards it. */
public final class WorkerTable {
    private final Map<String, WorkerInfo> workers = new HashMap<>();

    /** Inserts or replaces the worker's row with {@code state}, heartbeat {@code now}; keeps its first start time. */
    public void upsert(WorkerInfo w, WorkerState state, Instant now) {
        WorkerInfo old = workers.get(w.workerId());
        Instant startedAt;
        if (w.startedAt() != null && !w.startedAt().equals(Instant.EPOCH)) {
            startedAt = JobTable.micros(w.startedAt());
        } else {
            startedAt = old != null ? old.startedAt() : now;
        }
        workers.put(w.workerId(), new WorkerInfo(w.workerId(), w.host(), w.pid(), state, startedAt, now,
                w.concurrency(), w.inFlight(), w.jobsCompleted(), w.jobsFailed(), StoredText.clean(w.lastError()),
                w.extractorFigures()));
    }

    /** The worker, or null. */
    public WorkerInfo get(String workerId) {
        return workerId == null ? null : workers.get(workerId);
    }

    /** Removes the worker; true when it existed. */
    public boolean remove(String workerId) {
        return workers.remove(workerId) != null;
    }

    /** Every worker, most recent heartbeat first. */
    public List<WorkerInfo> list() {
        List<WorkerInfo> out = new ArrayList<>(workers.values());
        out.sort(Comparator.comparing(WorkerInfo::lastHeartbeat, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(WorkerInfo::workerId));
        return out;
    }

    /** Removes the workers silent since before {@code cutoff} that own no PROCESSING job. */
    public void purge(Instant cutoff, Set<String> owners) {
        workers.values().removeIf(w -> w.lastHeartbeat() != null && w.lastHeartbeat().isBefore(cutoff)
                && !owners.contains(w.workerId()));
    }

    /** The PROCESSING jobs ({@code processing}, oldest claim first) stale under the criteria, at most {@code limit}. */
    public List<dev.docket.queue.StaleJob> findStale(Iterable<JobRow> processing, StaleCriteria c, int limit,
            Instant now) {
        List<dev.docket.queue.StaleJob> out = new ArrayList<>();
        for (JobRow r : processing) {
            if (out.size() >= limit) {
                break;
            }
            String reason = staleReason(r, c, now);
            if (reason != null) {
                out.add(new dev.docket.queue.StaleJob(r.toJob(), reason));
            }
        }
        return out;
    }

    /** Why the PROCESSING job is stale under the criteria (every matching criterion), or null. */
    public String staleReason(JobRow r, StaleCriteria c, Instant now) {
        WorkerInfo owner = get(r.workerId);
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

    public int size() {
        return workers.size();
    }
}
