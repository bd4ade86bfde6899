package dev.docket.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An immutable snapshot of one job as the store saw it. Nullable fields are documented as such.
 *
 * @param id                  store-assigned id, positive
 * @param documentSource      the registry to fetch from ("fetch document N from registry S": S)
 * @param documentNumber      the document to fetch (N)
 * @param payload             optional JSON object/value given at enqueue, or {@code null}
 * @param status              current status
 * @param priority            higher runs first
 * @param attempts            number of claims that spent an attempt so far
 * @param maxAttempts         attempts allowed before the job fails for good
 * @param runAfter            earliest time the job may be claimed
 * @param workerId            the owner while PROCESSING (else the last owner, or {@code null})
 * @param leaseToken          the fencing token of the current claim, {@code null} unless PROCESSING
 * @param leaseExpiresAt      when the current lease runs out, {@code null} unless PROCESSING
 * @param processingStartedAt when the current (or last) claim happened, or {@code null}
 * @param resetCount          how many times the stale-job monitor took this job from a dead owner
 * @param lastError           the last error recorded, or {@code null}
 * @param result              the JSON result of a completed job (the stored document reference), or {@code null}
 * @param idempotencyKey      the key given at enqueue, or {@code null}
 * @param createdAt           when it was enqueued
 * @param updatedAt           last change
 * @param completedAt         when it reached a terminal state, or {@code null}
 */
public record Job(
        long id,
        String documentSource,
        String documentNumber,
        String payload,
        JobStatus status,
        int priority,
        int attempts,
        int maxAttempts,
        Instant runAfter,
        String workerId,
        UUID leaseToken,
        Instant leaseExpiresAt,
        Instant processingStartedAt,
        int resetCount,
        String lastError,
        String result,
        String idempotencyKey,
        Instant createdAt,
        Instant updatedAt,
        Instant completedAt) {

    public Job {
        Objects.requireNonNull(documentSource, "documentSource");
        Objects.requireNonNull(documentNumber, "documentNumber");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(runAfter, "runAfter");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The fencing handle of the current claim. Only meaningful for a PROCESSING job. */
    public JobLease lease() {
        if (status != JobStatus.PROCESSING || leaseToken == null) {
            throw new IllegalStateException("job " + id + " is " + status + ", it has no lease");
        }
        return new JobLease(id, workerId, leaseToken);
    }

    /** True when this claim is the last one the job is allowed. */
    public boolean isLastAttempt() {
        return attempts >= maxAttempts;
    }

    @Override
    public String toString() {
        return "Job{id=" + id + ", source=" + documentSource + ", number=" + documentNumber + ", status=" + status
                + ", attempts=" + attempts + "/" + maxAttempts + ", worker=" + workerId + "}";
    }
}
