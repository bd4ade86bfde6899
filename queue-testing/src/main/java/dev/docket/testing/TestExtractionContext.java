package dev.docket.testing;

import dev.docket.queue.ExtractionContext;
import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.JobProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link ExtractionContext} for testing an {@link dev.docket.queue.Extractor} without a runtime: a real-time
 * deadline, a slot, an attempt, worker id {@code test-worker}, and a {@link #cancel()} that does what the runtime
 * does when it gives up on a job. Thread-safe.
 *
 * <pre>{@code
 * Document doc = extractor.extract(job, TestExtractionContext.of(Duration.ofSeconds(30), 0));
 * }</pre>
 */
public final class TestExtractionContext implements ExtractionContext {
    private final Instant deadline;
    private final int slot;
    private final int attempt;
    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean cancelled;
    private final List<JobProgress> progress = new ArrayList<>();
    private final List<FailureSnapshot> snapshots = new ArrayList<>();
    private dev.docket.queue.DocumentSink sink;

    /** A context whose deadline is {@code timeout} from now, on {@code slot}, for attempt {@code attempt}. */
    public TestExtractionContext(Duration timeout, int slot, int attempt) {
        this.deadline = Instant.now().plus(timeout);
        this.slot = slot;
        this.attempt = attempt;
    }

    /** A first attempt's context whose deadline is {@code timeout} from now, on {@code slot}. */
    public static TestExtractionContext of(Duration timeout, int slot) {
        return new TestExtractionContext(timeout, slot, 1);
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public Duration remaining() {
        Duration d = Duration.between(Instant.now(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void onCancel(Runnable callback) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                callbacks.add(callback);
            }
        }
        if (runNow) {
            callback.run();
        }
    }

    /** What the runtime does when it gives up on a job: from the calling (non-slot) thread. */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            cancelled = true;
            toRun = new ArrayList<>(callbacks);
            callbacks.clear();
        }
        toRun.forEach(Runnable::run);
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public String workerId() {
        return "test-worker";
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public synchronized void progress(String step, double fraction) {
        progress.add(new JobProgress(0, attempt, workerId(), step, fraction, Instant.now()));
    }

    /** Every progress report so far, oldest first ({@code jobId} 0: this context has no job). */
    public synchronized List<JobProgress> progressReports() {
        return List.copyOf(progress);
    }

    @Override
    public synchronized void snapshotSaved(FailureSnapshot snapshot) {
        snapshots.add(java.util.Objects.requireNonNull(snapshot, "snapshot"));
    }

    /** Every failure snapshot the extractor recorded, oldest first. */
    public synchronized List<FailureSnapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /** Makes {@link #documentSink()} return {@code sink}, as the runtime's context returns its sink. */
    public synchronized TestExtractionContext documentSink(dev.docket.queue.DocumentSink sink) {
        this.sink = java.util.Objects.requireNonNull(sink, "sink");
        return this;
    }

    @Override
    public synchronized java.util.Optional<dev.docket.queue.DocumentSink> documentSink() {
        return java.util.Optional.ofNullable(sink);
    }
}
