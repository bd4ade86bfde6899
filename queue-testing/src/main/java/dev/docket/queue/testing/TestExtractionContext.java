package dev.docket.extractor.playwright;

import dev.docket.queue.ExtractionContext;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An {@link ExtractionContext} for tests: a real-time deadline, a slot, and a {@link #cancel()} like the runtime's. */
final class TestExtractionContext implements ExtractionContext {
    private final Instant deadline;
    private final int slot;
    private final int attempt;
    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean cancelled;

    TestExtractionContext(Duration timeout, int slot, int attempt) {
        this.deadline = Instant.now().plus(timeout);
        this.slot = slot;
        this.attempt = attempt;
    }

    static TestExtractionContext of(Duration timeout, int slot) {
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
    void cancel() {
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
}
