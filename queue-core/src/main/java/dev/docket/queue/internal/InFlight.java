package dev.docket.queue.internal;

import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobProgress;
import dev.docket.queue.spi.JobStore;

import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claimed job held by a runtime: its lease, slot, deadline, and the single "decided" flag that
 * makes sure exactly one of {completion, timeout, lease loss, shutdown release} decides its outcome.
 */
public final class InFlight implements ExtractionContext {
    private static final Logger log = LoggerFactory.getLogger(InFlight.class);

    private final Job job;
    private final JobLease lease;
    private final int slot;
    private final Clock clock;
    private final Instant claimedAt;
    private final Instant deadline;
    private final Ticker ticker;
    private final long startNanos;
    private final long timeoutNanos;
    private final AtomicBoolean decided = new AtomicBoolean();
    private final AtomicBoolean slotReturned = new AtomicBoolean();
    private volatile boolean extractionReturned;
    private final List<Runnable> cancelCallbacks = new ArrayList<>();
    private volatile boolean cancelled;
    private volatile Thread thread;
    /** The latest progress not yet sent with a heartbeat (null: nothing new). */
    private final java.util.concurrent.atomic.AtomicReference<JobProgress> unsentProgress =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile JobProgress lastProgress;
    private volatile JobStore events;
    private volatile Listeners listeners;
    private volatile dev.docket.queue.DocumentSink sink;

    /** A job held with the system ticker. */
    public InFlight(Job job, int slot, Clock clock, Duration timeout) {
        this(job, slot, clock, Ticker.system(), timeout);
    }

    /**
     * @param clock   wall-clock time: the deadline the extractor sees
     * @param ticker  elapsed time: the real-time bound of the same timeout, and {@link #elapsed()}
     * @param timeout the job timeout
     */
    public InFlight(Job job, int slot, Clock clock, Ticker ticker, Duration timeout) {
        this(job, slot, clock, ticker, timeout, null);
    }

    /**
     * A job starting now in {@code slot}: its timeout runs from now, whenever it was claimed.
     *
     * @param claimedAt when this runtime claimed it (a prefetched job waited since then); null: now
     */
    public InFlight(Job job, int slot, Clock clock, Ticker ticker, Duration timeout, Instant claimedAt) {
        this.job = job;
        this.lease = job.lease();
        this.slot = slot;
        this.clock = clock;
        this.ticker = ticker;
        this.startNanos = ticker.read();
        this.timeoutNanos = timeout.toNanos();
        Instant now = clock.instant();
        this.claimedAt = claimedAt != null ? claimedAt : now;
        this.deadline = now.plus(timeout);
    }

    /**
     * A claimed job that never started (prefetched, then given back): no slot to return, its outcome decided by
     * the caller, for the completer's finishing write.
     */
    public static InFlight unstarted(Job job, Clock clock, Ticker ticker) {
        InFlight f = new InFlight(job, -1, clock, ticker, Duration.ZERO);
        f.slotReturned.set(true);
        f.extractionReturned = true;
        f.decided.set(true);
        return f;
    }

    public Job job() {
        return job;
    }

    public JobLease lease() {
        return lease;
    }

    public Instant claimedAt() {
        return claimedAt;
    }

    /** Time since this runtime took the job, on the ticker. */
    public Duration elapsed() {
        return Duration.ofNanos(ticker.read() - startNanos);
    }

    /** Claims the right to decide the outcome. True for exactly one caller. */
    public boolean decide() {
        return decided.compareAndSet(false, true);
    }

    public boolean isDecided() {
        return decided.get();
    }

    /** Claims the right to give the slot back. True for exactly one caller. */
    public boolean returnSlot() {
        return slotReturned.compareAndSet(false, true);
    }

    /** Marks that the extractor's {@code extract} call for this job returned (or was never made). */
    public void extractionReturned() {
        this.extractionReturned = true;
    }

    /** True while the extractor's {@code extract} call for this job has not returned. */
    public boolean isExtracting() {
        return !extractionReturned;
    }

    public void attach(Thread t) {
        this.thread = t;
    }

    public void detach() {
        this.thread = null;
    }

    /** Sets the cancel flag, runs the abort callbacks, and interrupts the extraction thread (ours). */
    public void cancel() {
        List<Runnable> callbacks;
        synchronized (cancelCallbacks) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            callbacks = new ArrayList<>(cancelCallbacks);
        }
        for (Runnable r : callbacks) {
            runCallback(r);
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void runCallback(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("cancel callback of job {} threw; ignored", job.id(), e);
        }
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** True when the runtime's clock is past the deadline, or the timeout has elapsed on the ticker. */
    public boolean isOverdue() {
        return clock.instant().isAfter(deadline) || ticker.read() - startNanos > timeoutNanos;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void onCancel(Runnable callback) {
        boolean runNow;
        synchronized (cancelCallbacks) {
            runNow = cancelled;
            if (!runNow) {
                cancelCallbacks.add(callback);
            }
        }
        if (runNow) {
            runCallback(callback);
        }
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public String workerId() {
        return lease.workerId();
    }

    @Override
    public int attempt() {
        return job.attempts();
    }

    /**
     * Where {@link #snapshotSaved} records its event, {@link #progress} tells the listeners, and what
     * {@link #documentSink()} returns.
     */
    public void reportTo(JobStore store, Listeners listeners, dev.docket.queue.DocumentSink sink) {
        this.events = store;
        this.listeners = listeners;
        this.sink = sink;
    }

    @Override
    public java.util.Optional<dev.docket.queue.DocumentSink> documentSink() {
        return java.util.Optional.ofNullable(sink);
    }

    @Override
    public void progress(String step, double fraction) {
        JobProgress p = new JobProgress(job.id(), job.attempts(), lease.workerId(), step, fraction, null);
        lastProgress = p;
        unsentProgress.set(p);
        Listeners l = listeners;
        if (l != null) {
            l.fire("onProgress", x -> x.onProgress(job, p.step(), p.fraction()));
        }
    }

    /** The latest progress reported (null: none yet). */
    public JobProgress lastProgress() {
        return lastProgress;
    }

    /** The progress reported since the last call (null: nothing new); the heartbeat sends it. */
    public JobProgress takeUnsentProgress() {
        return unsentProgress.getAndSet(null);
    }

    /** Puts back progress whose heartbeat failed, unless newer progress came meanwhile. */
    public void unsent(JobProgress p) {
        unsentProgress.compareAndSet(null, p);
    }

    @Override
    public void snapshotSaved(FailureSnapshot snapshot) {
        java.util.Objects.requireNonNull(snapshot, "snapshot");
        JobStore store = events;
        if (store == null) {
            log.warn("job {}: a failure snapshot was saved but this context records no events: {}", job.id(),
                    snapshot.toMessage());
            return;
        }
        try {
            store.recordEvent(job.id(), JobEventType.SNAPSHOT_SAVED, lease.workerId(), snapshot.toMessage());
        } catch (RuntimeException e) {
            log.warn("job {}: recording its failure snapshot in the job's history failed; the files are {}", job.id(),
                    snapshot.toMessage(), e);
        }
    }
}
