package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import java.time.Instant;
import java.util.UUID;

/** The mutable state of one job; only touched under the store's lock, and changed only inside update(). */
public final class JobRow {
    public final long id;
    public String documentSource;
    public String documentNumber;
    public String payload;
    public JobStatus status;
    public int priority;
    public int attempts;
    public int maxAttempts;
    public Instant runAfter;
    public String workerId;
    public UUID leaseToken;
    public Instant leaseExpiresAt;
    public Instant processingStartedAt;
    public int resetCount;
    public String lastError;
    public String result;
    public String idempotencyKey;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant completedAt;

    JobRow(long id) {
        this.id = id;
    }

    JobRow(long id, NewJob n, Instant runAfter, Instant now) {
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

    /** The job as the store returns it. */
    public Job toJob() {
        return Job.builder(id, documentSource, documentNumber).payload(payload).status(status).priority(priority)
                .attempts(attempts).maxAttempts(maxAttempts).runAfter(runAfter).workerId(workerId)
                .leaseToken(leaseToken).leaseExpiresAt(leaseExpiresAt).processingStartedAt(processingStartedAt)
                .resetCount(resetCount).lastError(lastError).result(result).idempotencyKey(idempotencyKey)
                .createdAt(createdAt).updatedAt(updatedAt).completedAt(completedAt).build();
    }
}
