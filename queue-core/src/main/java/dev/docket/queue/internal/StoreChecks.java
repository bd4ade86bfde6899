package dev.docket.queue.internal;

import dev.docket.queue.JobStateException;
import dev.docket.queue.JobStatus;
import java.time.Duration;
import java.util.List;

/**
 * The argument checks of {@link dev.docket.queue.spi.JobStore} operations and the words of their refusals, shared
 * by every store so that all of them refuse the same arguments with the same message (the contract suite
 * asserts the texts). Also the {@link JobStateException}s of invalid transitions. Stateless; no allocation
 * unless a check fails (the claim and finish paths call it per call, not per job).
 */
public final class StoreChecks {
    /** Largest {@code limit} accepted by claim and findStale. */
    public static final int MAX_LIMIT = 100_000;

    private StoreChecks() {
    }

    /** A worker id: not null, not blank ({@code "workerId must not be blank but was ' '"}). */
    public static String workerId(String workerId) {
        return text("workerId", workerId);
    }

    /** The actor of an operator action or a reset, as {@link #workerId}. */
    public static String actor(String actor) {
        return text("actor", actor);
    }

    /** {@code value} not null and not blank, else IllegalArgumentException naming {@code name}. */
    public static String text(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank but was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    /** A claim or findStale limit: 1-{@value #MAX_LIMIT}. */
    public static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + " but was " + limit);
        }
        return limit;
    }

    /** A lease: at least 1 ms (what a SQL store can bind). Returns it in milliseconds. */
    public static long lease(Duration lease) {
        return positiveMillis("lease", lease);
    }

    /** A duration of at least 1 ms; returns it in milliseconds. */
    public static long positiveMillis(String name, Duration d) {
        if (d == null || d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1ms but was " + d);
        }
        return d.toMillis();
    }

    /** A purge retention: zero or more. */
    public static Duration olderThan(Duration olderThan) {
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must be >= 0 but was " + olderThan);
        }
        return olderThan;
    }

    /** {@code value} not null, else NullPointerException {@code "<name> must not be null"}. */
    public static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    /** The list and each element not null ({@code "jobs[3] must not be null"}). */
    public static <T> List<T> elements(String name, List<T> values) {
        notNull(name, values);
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw new NullPointerException(name + "[" + i + "] must not be null");
            }
        }
        return values;
    }

    /** Cancel of a job that is not PENDING. */
    public static JobStateException notCancellable(long jobId, JobStatus status) {
        return new JobStateException(jobId, status, "job " + jobId + " is " + status
                + ": only a PENDING job can be cancelled");
    }

    /** Retry of a job that is neither FAILED nor CANCELLED. */
    public static JobStateException notRetryable(long jobId, JobStatus status) {
        return new JobStateException(jobId, status, "job " + jobId + " is " + status
                + ": only a FAILED or CANCELLED job can be retried");
    }

    /** Retry of a job whose idempotency key a live (PENDING or PROCESSING) job holds. */
    public static JobStateException keyTaken(long jobId, JobStatus status, String key, long holderId) {
        return new JobStateException(jobId, status, "job " + jobId + " is " + status + " and cannot be retried: job "
                + holderId + " has the same idempotency key '" + key + "' and is PENDING or PROCESSING");
    }
}
