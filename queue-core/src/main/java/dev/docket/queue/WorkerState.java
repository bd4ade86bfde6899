package dev.docket.queue;

/** A worker's state as recorded in {@code worker_status.status}. */
public enum WorkerState {
    /** Started, extractor not ready yet: claims nothing. */
    STARTING,
    /** Claiming and processing jobs. */
    RUNNING,
    /** Alive but not claiming: the extractor is down or the store unreachable (see last error). */
    DEGRADED,
    /** Closing: claims nothing, finishing or releasing what it holds. */
    STOPPING,
    /** Closed cleanly. Holds no jobs. */
    STOPPED
}
