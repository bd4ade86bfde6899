package dev.docket.queue;

import dev.docket.queue.spi.JobLease;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An immutable snapshot of one job as the store saw it. Nullable fields are documented as such.
 *
 * <p>Users read it; store implementers and tests make one with {@link #builder(long, String, String)}
 * (or change one with {@link #toBuilder()}). Prefer the builder to the canonical constructor: a new
 * column adds a builder method, but changes the constructor's parameter list, which breaks every
 * positional call.
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

    /**
     * The canonical constructor: prefer {@link #builder(long, String, String)}, whose calls survive new
     * columns.
     *
     * @throws NullPointerException when documentSource, documentNumber, status, runAfter, createdAt or
     *                              updatedAt is null
     */
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

    /**
     * A builder for the job with this id, source and number. Defaults: PENDING, priority 0, 0 attempts of
     * {@link NewJob#DEFAULT_MAX_ATTEMPTS}, 0 resets, every nullable field null; {@code runAfter} and
     * {@code updatedAt} default to {@code createdAt}, which must be set.
     */
    public static Builder builder(long id, String documentSource, String documentNumber) {
        return new Builder(id, documentSource, documentNumber);
    }

    /** A builder holding every field of this job, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(id, documentSource, documentNumber).payload(payload).status(status).priority(priority)
                .attempts(attempts).maxAttempts(maxAttempts).runAfter(runAfter).workerId(workerId)
                .leaseToken(leaseToken).leaseExpiresAt(leaseExpiresAt).processingStartedAt(processingStartedAt)
                .resetCount(resetCount).lastError(lastError).result(result).idempotencyKey(idempotencyKey)
                .createdAt(createdAt).updatedAt(updatedAt).completedAt(completedAt);
    }

    /**
     * Builds a {@link Job}; each method sets the record component of the same name. {@link #build()}
     * checks what the record checks. Not thread-safe; cheap (one object, no copying), so stores use one
     * per row read.
     */
    public static final class Builder {
        private final long id;
        private final String documentSource;
        private final String documentNumber;
        private String payload;
        private JobStatus status = JobStatus.PENDING;
        private int priority;
        private int attempts;
        private int maxAttempts = NewJob.DEFAULT_MAX_ATTEMPTS;
        private Instant runAfter;
        private String workerId;
        private UUID leaseToken;
        private Instant leaseExpiresAt;
        private Instant processingStartedAt;
        private int resetCount;
        private String lastError;
        private String result;
        private String idempotencyKey;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant completedAt;

        private Builder(long id, String documentSource, String documentNumber) {
            this.id = id;
            this.documentSource = documentSource;
            this.documentNumber = documentNumber;
        }

        /** Sets {@link Job#payload()}. */
        public Builder payload(String payload) {
            this.payload = payload;
            return this;
        }

        /** Sets {@link Job#status()}. */
        public Builder status(JobStatus status) {
            this.status = status;
            return this;
        }

        /** Sets {@link Job#priority()}. */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        /** Sets {@link Job#attempts()}. */
        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        /** Sets {@link Job#maxAttempts()}. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Sets {@link Job#runAfter()}. */
        public Builder runAfter(Instant runAfter) {
            this.runAfter = runAfter;
            return this;
        }

        /** Sets {@link Job#workerId()}. */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        /** Sets {@link Job#leaseToken()}. */
        public Builder leaseToken(UUID leaseToken) {
            this.leaseToken = leaseToken;
            return this;
        }

        /** Sets {@link Job#leaseExpiresAt()}. */
        public Builder leaseExpiresAt(Instant leaseExpiresAt) {
            this.leaseExpiresAt = leaseExpiresAt;
            return this;
        }

        /** Sets {@link Job#processingStartedAt()}. */
        public Builder processingStartedAt(Instant processingStartedAt) {
            this.processingStartedAt = processingStartedAt;
            return this;
        }

        /** Sets {@link Job#resetCount()}. */
        public Builder resetCount(int resetCount) {
            this.resetCount = resetCount;
            return this;
        }

        /** Sets {@link Job#lastError()}. */
        public Builder lastError(String lastError) {
            this.lastError = lastError;
            return this;
        }

        /** Sets {@link Job#result()}. */
        public Builder result(String result) {
            this.result = result;
            return this;
        }

        /** Sets {@link Job#idempotencyKey()}. */
        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        /** Sets {@link Job#createdAt()}. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Sets {@link Job#updatedAt()}. */
        public Builder updatedAt(Instant updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        /** Sets {@link Job#completedAt()}. */
        public Builder completedAt(Instant completedAt) {
            this.completedAt = completedAt;
            return this;
        }

        /**
         * The job.
         *
         * @throws NullPointerException when documentSource, documentNumber, status or createdAt is null
         */
        public Job build() {
            Objects.requireNonNull(createdAt, "createdAt");
            return new Job(id, documentSource, documentNumber, payload, status, priority, attempts, maxAttempts,
                    runAfter == null ? createdAt : runAfter, workerId, leaseToken, leaseExpiresAt,
                    processingStartedAt, resetCount, lastError, result, idempotencyKey, createdAt,
                    updatedAt == null ? createdAt : updatedAt, completedAt);
        }
    }
}
