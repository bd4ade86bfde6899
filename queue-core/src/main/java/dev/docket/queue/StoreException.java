package dev.docket.queue;

import dev.docket.queue.spi.JobStore;

/**
 * A {@link JobStore} operation failed. {@link #isTransient()} says whether trying again may succeed
 * (connection lost, serialization failure, database restarting); the runtime retries transient
 * failures with back-off and treats the others as bugs or configuration errors.
 */
public class StoreException extends DocketException {
    private static final long serialVersionUID = 1L;
    private final boolean transientFailure;

    public StoreException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public StoreException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    /** True when the same call may succeed later (the store was unreachable or busy). */
    public boolean isTransient() {
        return transientFailure;
    }
}
