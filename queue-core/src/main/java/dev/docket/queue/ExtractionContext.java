package dev.docket.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * What the runtime gives an {@link Extractor} for one job. Thread-safe.
 */
public interface ExtractionContext {

    /** When the job times out, by the runtime's clock. */
    Instant deadline();

    /** Time left before {@link #deadline()}, never negative. */
    Duration remaining();

    /**
     * True once the runtime gave up on this job (timeout or shutdown). An extractor that sees it
     * should stop and throw; its result is discarded anyway.
     */
    boolean isCancelled();

    /**
     * Registers a callback the runtime runs (from another thread) when it aborts the job, e.g. to
     * close a browser context so a blocked call returns. Runs at once if already cancelled. Callbacks
     * must be quick and must not throw; a throwing callback is logged and ignored.
     */
    void onCancel(Runnable callback);

    /** The slot (0 to concurrency-1) this call runs in. */
    int slot();

    /** The worker's id. */
    String workerId();

    /** The job's attempt number (1 for the first claim). */
    int attempt();
}
