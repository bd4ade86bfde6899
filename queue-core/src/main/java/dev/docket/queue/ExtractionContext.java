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

    /**
     * Reports how far the job is: {@code step} names what it does now (e.g. {@code "open"}, {@code "download"}),
     * {@code fraction} how much of the job is done, 0 to 1. Cheap: it only remembers the latest report; the
     * runtime sends it with its next heartbeat (no database write per call), so {@code QueueAdmin.progress},
     * {@code docket diagnose} and the metrics see it within one heartbeat interval. Default: ignored.
     *
     * @throws IllegalArgumentException when {@code step} is blank or {@code fraction} is not between 0 and 1
     */
    default void progress(String step, double fraction) {
        JobProgress.cleanStep(step);
        JobProgress.checkFraction(fraction);
    }

    /**
     * Records in the job's history (a {@link JobEventType#SNAPSHOT_SAVED} event) that evidence of this failing
     * attempt was saved, and where. Called by extractors that save failure snapshots (the Playwright extractor)
     * after the files are written; the runtime writes the event at once. Never throws: a failure to record is
     * logged. Default: ignored.
     */
    default void snapshotSaved(FailureSnapshot snapshot) {
        java.util.Objects.requireNonNull(snapshot, "snapshot");
    }

    /**
     * The runtime's {@link DocumentSink}, where an extractor may write what it saves besides the document (failure
     * snapshots), under names that cannot collide with the attempt's document. Default: none.
     */
    default java.util.Optional<DocumentSink> documentSink() {
        return java.util.Optional.empty();
    }
}
