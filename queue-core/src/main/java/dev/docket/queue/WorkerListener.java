package dev.docket.queue;

import java.time.Duration;

/**
 * Events from a {@link WorkerRuntime}, for metrics and tests. Every method has a no-op default.
 * Called synchronously on runtime threads: keep them quick. A listener that throws is logged and
 * ignored; it never breaks the runtime.
 */
public interface WorkerListener {

    /** A listener that does nothing. */
    WorkerListener NOOP = new WorkerListener() { };

    /** A job was claimed by this worker. {@code claimToStart} is unknown at claim time: see {@link #onStarted}. */
    /**
     * A running job reported progress ({@link ExtractionContext#progress}), on the job's thread: keep it very quick
     * (it may be called many times per job).
     */
    default void onProgress(Job job, String step, double fraction) {
    }

    default void onClaimed(Job job) {
    }

    /** Extraction of a claimed job began on a slot, {@code waited} after its claim. */
    default void onStarted(Job job, Duration waited) {
    }

    /** The job completed; {@code took} is the time from start to the finishing write. */
    default void onCompleted(Job job, StoredDocument document, Duration took) {
    }

    /** The job failed for good. */
    default void onFailed(Job job, String error, Duration took) {
    }

    /** The job failed transiently and will be retried after {@code delay}. */
    default void onRetryScheduled(Job job, String error, Duration delay) {
    }

    /** The job ran past the job timeout and was aborted. */
    default void onTimedOut(Job job, Duration timeout) {
    }

    /** The job was given back without spending an attempt. */
    default void onReleased(Job job, String reason) {
    }

    /**
     * The registry throttled the job ({@link ExtractionException#throttled}): it went back to PENDING without
     * spending its attempt, and its source is blocked fleet-wide for {@code retryAfter} (zero: the source
     * policy's default).
     */
    default void onThrottled(Job job, String why, Duration retryAfter) {
    }

    /** This worker lost its lease on a job: its result is discarded. */
    default void onLeaseLost(long jobId, String reason) {
    }

    /** This runtime's stale-job monitor reset a job taken from another (or a previous) owner. */
    default void onReset(Job job, StaleDecision decision, String reason) {
    }

    /** The extractor failed to start or reported itself not ready. */
    default void onExtractorDown(String reason, Throwable error) {
    }

    /** The extractor is ready: after each successful start (first or restart) and when it recovers. */
    default void onExtractorUp() {
    }

    /**
     * The extractor's health (state, slots, {@link ExtractorHealth#figures() figures}) differs from the one seen
     * before: called on the claim thread when a check before a claim returns a new value.
     */
    default void onExtractorHealth(ExtractorHealth health) {
    }

    /** The store could not be reached (once per outage). */
    default void onStoreUnavailable(Throwable error) {
    }

    /** The store is reachable again after an outage. */
    default void onStoreRecovered(Duration outage) {
    }
}
