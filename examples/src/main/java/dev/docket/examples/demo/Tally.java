package dev.docket.examples.demo;

import dev.docket.queue.Job;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the runtimes report, for the progress line and the summary. Thread-safe. */
final class Tally implements WorkerListener {
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger timedOut = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    final AtomicInteger leaseLost = new AtomicInteger();
    final AtomicInteger resets = new AtomicInteger();
    final AtomicInteger extractorDown = new AtomicInteger();
    final AtomicInteger extractorUp = new AtomicInteger();
    final List<String> notes = new CopyOnWriteArrayList<>();

    @Override
    public void onCompleted(Job job, StoredDocument document, Duration took) {
        completed.incrementAndGet();
    }

    @Override
    public void onFailed(Job job, String error, Duration took) {
        failed.incrementAndGet();
    }

    @Override
    public void onRetryScheduled(Job job, String error, Duration delay) {
        retries.incrementAndGet();
    }

    @Override
    public void onTimedOut(Job job, Duration timeout) {
        timedOut.incrementAndGet();
        notes.add("job " + job.id() + " (" + job.documentNumber() + ") timed out after " + timeout.toSeconds() + "s");
    }

    @Override
    public void onReleased(Job job, String reason) {
        released.incrementAndGet();
    }

    @Override
    public void onLeaseLost(long jobId, String reason) {
        leaseLost.incrementAndGet();
    }

    @Override
    public void onReset(Job job, StaleDecision decision, String reason) {
        resets.incrementAndGet();
        notes.add("job " + job.id() + " reset by the stale-job monitor: " + reason);
    }

    @Override
    public void onExtractorDown(String reason, Throwable error) {
        extractorDown.incrementAndGet();
    }

    @Override
    public void onExtractorUp() {
        extractorUp.incrementAndGet();
    }
}
