package dev.docket.testing;

import dev.docket.queue.testing.Await;
import dev.docket.queue.Job;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A {@link WorkerListener} that records every event, in the order the runtime reported them, for assertions:
 *
 * <pre>{@code
 * RecordingWorkerListener events = new RecordingWorkerListener();
 * WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).listener(events).start();
 * ...
 * events.awaitCount(Kind.COMPLETED, 3);
 * assertThat(events.jobIds(Kind.COMPLETED)).containsExactlyInAnyOrder(1L, 2L, 3L);
 * assertThat(events.details(Kind.FAILED)).isEmpty();
 * }</pre>
 *
 * <p>Thread-safe: the runtime reports from several threads.
 */
public final class RecordingWorkerListener implements WorkerListener {

    /** Which {@link WorkerListener} method reported the event. */
    public enum Kind {
        CLAIMED, STARTED, COMPLETED, FAILED, RETRY_SCHEDULED, TIMED_OUT, RELEASED, LEASE_LOST, RESET,
        EXTRACTOR_DOWN, EXTRACTOR_UP, STORE_UNAVAILABLE, STORE_RECOVERED
    }

    /**
     * One reported event.
     *
     * @param kind     which method reported it
     * @param job      the job as reported (null for {@link Kind#LEASE_LOST} and the extractor and store events)
     * @param jobId    the job's id (0 for the extractor and store events)
     * @param detail   the text that came with it: the error ({@code FAILED}, {@code RETRY_SCHEDULED}), the reason
     *                 ({@code RELEASED}, {@code LEASE_LOST}, {@code EXTRACTOR_DOWN}; {@code RESET}: "decision: reason"),
     *                 the document's URI ({@code COMPLETED}), the error's {@code toString()} ({@code STORE_UNAVAILABLE});
     *                 else null
     * @param duration the duration that came with it (waited, took, delay, timeout or outage), else null
     * @param error    the throwable that came with it ({@code EXTRACTOR_DOWN}, {@code STORE_UNAVAILABLE}), else null
     */
    public record Event(Kind kind, Job job, long jobId, String detail, Duration duration, Throwable error) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();

    /** Every event so far, oldest first (a snapshot). */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The events of one kind so far, oldest first. */
    public List<Event> events(Kind kind) {
        Objects.requireNonNull(kind, "kind");
        return events.stream().filter(e -> e.kind() == kind).collect(Collectors.toUnmodifiableList());
    }

    /** How many events of {@code kind} so far. */
    public int count(Kind kind) {
        return events(kind).size();
    }

    /** The job ids of the events of {@code kind}, oldest first (a job twice if reported twice). */
    public List<Long> jobIds(Kind kind) {
        return events(kind).stream().map(Event::jobId).collect(Collectors.toUnmodifiableList());
    }

    /** The details of the events of {@code kind}, oldest first. */
    public List<String> details(Kind kind) {
        return events(kind).stream().map(Event::detail).collect(Collectors.toList());
    }

    /** Waits (up to {@link Await#DEFAULT}) until at least {@code n} events of {@code kind} were reported. */
    public void awaitCount(Kind kind, int n) {
        Await.until(n + " " + kind + " event(s); so far " + events(), () -> count(kind) >= n);
    }

    /** Forgets every event so far. */
    public void clear() {
        events.clear();
    }

    private void record(Kind kind, Job job, String detail, Duration duration, Throwable error) {
        events.add(new Event(kind, job, job == null ? 0 : job.id(), detail, duration, error));
    }

    @Override
    public void onClaimed(Job job) {
        record(Kind.CLAIMED, job, null, null, null);
    }

    @Override
    public void onStarted(Job job, Duration waited) {
        record(Kind.STARTED, job, null, waited, null);
    }

    @Override
    public void onCompleted(Job job, StoredDocument document, Duration took) {
        record(Kind.COMPLETED, job, document == null ? null : document.uri(), took, null);
    }

    @Override
    public void onFailed(Job job, String error, Duration took) {
        record(Kind.FAILED, job, error, took, null);
    }

    @Override
    public void onRetryScheduled(Job job, String error, Duration delay) {
        record(Kind.RETRY_SCHEDULED, job, error, delay, null);
    }

    @Override
    public void onTimedOut(Job job, Duration timeout) {
        record(Kind.TIMED_OUT, job, null, timeout, null);
    }

    @Override
    public void onReleased(Job job, String reason) {
        record(Kind.RELEASED, job, reason, null, null);
    }

    @Override
    public void onLeaseLost(long jobId, String reason) {
        events.add(new Event(Kind.LEASE_LOST, null, jobId, reason, null, null));
    }

    @Override
    public void onReset(Job job, StaleDecision decision, String reason) {
        record(Kind.RESET, job, decision + ": " + reason, null, null);
    }

    @Override
    public void onExtractorDown(String reason, Throwable error) {
        record(Kind.EXTRACTOR_DOWN, null, reason, null, error);
    }

    @Override
    public void onExtractorUp() {
        record(Kind.EXTRACTOR_UP, null, null, null, null);
    }

    @Override
    public void onStoreUnavailable(Throwable error) {
        record(Kind.STORE_UNAVAILABLE, null, error == null ? null : error.toString(), null, error);
    }

    @Override
    public void onStoreRecovered(Duration outage) {
        record(Kind.STORE_RECOVERED, null, null, outage, null);
    }
}
