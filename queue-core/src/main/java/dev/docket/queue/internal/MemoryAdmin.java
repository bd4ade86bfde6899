package dev.docket.queue.internal;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory store's administrative operations over its tables: cancel, retry, retry all failed, purge and
 * the events of purgeable jobs. Not thread-safe: every method is called with the store's lock held; the caller
 * checks the arguments and tells the listeners when jobs became claimable.
 */
public final class MemoryAdmin {
    private static final Logger log = LoggerFactory.getLogger(InMemoryJobStore.class);

    private final JobTable jobs;
    private final WorkerTable workers;
    private final EventLog events;
    private final ProgressTable progress;

    public MemoryAdmin(JobTable jobs, WorkerTable workers, EventLog events, ProgressTable progress) {
        this.jobs = jobs;
        this.workers = workers;
        this.events = events;
        this.progress = progress;
    }

    /** The job's row. @throws JobNotFoundException when there is none */
    public JobRow existing(long jobId) {
        JobRow r = jobs.get(jobId);
        if (r == null) {
            throw new JobNotFoundException(jobId);
        }
        return r;
    }

    /** Cancels a PENDING job. */
    public Job cancel(long jobId, String actor, Instant now) {
        JobRow r = existing(jobId);
        if (r.status != JobStatus.PENDING) {
            throw StoreChecks.notCancellable(jobId, r.status);
        }
        jobs.cancel(r, now);
        events.add(jobId, JobEventType.CANCELLED, actor, "cancelled by " + actor, now);
        return r.toJob();
    }

    /** Requeues a FAILED or CANCELLED job whose idempotency key no live job holds. */
    public Job retry(long jobId, String actor, Instant now) {
        JobRow r = existing(jobId);
        if (r.status != JobStatus.FAILED && r.status != JobStatus.CANCELLED) {
            throw StoreChecks.notRetryable(jobId, r.status);
        }
        Long holder = jobs.liveKey(r.idempotencyKey);
        if (holder != null) {
            throw StoreChecks.keyTaken(jobId, r.status, r.idempotencyKey, holder);
        }
        requeueFinished(r, actor, now);
        return r.toJob();
    }

    /** Requeues the FAILED jobs of {@code documentSource} (null: all), skipping those whose key is taken. */
    public int retryAllFailed(String documentSource, String actor, Instant now) {
        int n = 0;
        for (JobRow r : jobs.failed(documentSource)) {
            Long holder = jobs.liveKey(r.idempotencyKey);
            if (holder != null) {
                log.info("job {} not retried: job {} with the same idempotency key is live", r.id, holder);
                continue;
            }
            requeueFinished(r, actor, now);
            n++;
        }
        return n;
    }

    private void requeueFinished(JobRow r, String actor, Instant now) {
        JobStatus was = jobs.requeue(r, now);
        events.add(r.id, JobEventType.RETRIED, actor, "retried by " + actor + " (was " + was + ")", now);
    }

    /** Deletes the jobs finished before {@code cutoff} with their events and progress, and old workers. */
    public int purge(Instant cutoff) {
        List<JobRow> old = jobs.finishedBefore(cutoff);
        for (JobRow r : old) {
            jobs.delete(r);
            events.remove(r.id);
            progress.remove(r.id);
        }
        workers.purge(cutoff, new HashSet<>(jobs.owners()));
        return old.size();
    }

    /** Up to {@code limit} events of {@code type} of the jobs a purge at {@code cutoff} would delete. */
    public List<JobEvent> eventsOfPurgeable(Instant cutoff, JobEventType type, int limit) {
        List<JobEvent> out = new ArrayList<>();
        for (JobRow r : jobs.finishedBefore(cutoff)) {
            for (JobEvent e : events.of(r.id)) {
                if (e.type() == type && out.size() < limit) {
                    out.add(e);
                }
            }
        }
        return out;
    }
}
