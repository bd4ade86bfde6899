package dev.docket.queue.testing;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.StaleJobMonitor;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.Ticker;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerState;
import dev.docket.queue.internal.ClaimLoop;
import dev.docket.queue.internal.Listeners;
import dev.docket.queue.internal.StoreHealth;
import dev.docket.queue.internal.WorkerContext;
import dev.docket.queue.internal.WorkerSettings;
import dev.docket.queue.internal.WorkerUnits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A worker for tests that starts no thread: each step of a {@code WorkerRuntime} runs when the test calls it,
 * on the test's thread, with the same units and rules as the runtime (as db-scheduler's
 * {@code ManualScheduler}). Drive claim → run → heartbeat → timeout → rescue on a {@link ManualClock}:
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.startingNow();
 * InMemoryJobStore store = new InMemoryJobStore(clock);
 * ManualWorker worker = ManualWorker.builder(store, extractor).clock(clock).build();
 * store.enqueue(NewJob.of("registry", "123"));
 * worker.claimAndRunOnce();                 // claims and runs the job here, records its outcome
 * worker.heartbeatOnce();                   // renews the leases of jobs still held
 * clock.advance(Duration.ofMinutes(6));
 * worker.ticker().advance(Duration.ofMinutes(6));
 * worker.checkTimeoutsOnce();               // times out what is overdue
 * worker.staleCheckOnce();                  // resets jobs whose lease expired (any worker's)
 * }</pre>
 *
 * <p>A job runs inside {@link #claimAndRunOnce()}, so an extractor that blocks blocks that call: to time such a
 * job out, call {@code claimAndRunOnce()} from a thread of the test and {@link #checkTimeoutsOnce()} from
 * another after advancing the clock (every step is thread-safe). The elapsed-time source is a
 * {@link ManualTicker} unless {@link Builder#ticker(Ticker)} says otherwise, so nothing times out in real time.
 * The outcomes recorded by this worker are listed by {@link #outcomes()}.
 */
public final class ManualWorker implements AutoCloseable {
    /**
     * One recorded outcome of a job run by this worker.
     *
     * @param job   the job as the finishing write left it
     * @param kind  completed, failed, retry scheduled or released
     * @param error the error or reason (null when completed)
     */
    public record Outcome(Job job, JobOutcome.Kind kind, String error) {
    }

    private static final Executor INLINE = Runnable::run;

    private final JobStore store;
    private final WorkerUnits units;
    private final StaleJobMonitor staleMonitor;
    private final Clock clock;
    private final Ticker ticker;
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    private ManualWorker(Builder b) {
        WorkerSettings settings = b.settings;
        this.store = settings.store();
        this.clock = settings.clock();
        this.ticker = settings.ticker();
        List<WorkerListener> all = new ArrayList<>(settings.listeners());
        all.add(0, new Recorder());
        Listeners listeners = new Listeners(all);
        StoreHealth health = settings.storeHealth(listeners, () -> { });
        WorkerContext ctx = settings.context(listeners, health);
        this.units = new WorkerUnits(ctx, settings.defaultRetryPolicy(), INLINE, INLINE, INLINE);
        this.staleMonitor = StaleJobMonitor.create(store, settings.stalePolicy(), settings.config().staleCheckInterval());
    }

    /** A builder for a manual worker over {@code store} running {@code extractor}. */
    public static Builder builder(JobStore store, Extractor extractor) {
        return new Builder(store, extractor);
    }

    /**
     * One claim pass, with the jobs run here: starts the extractor if needed and checks its health and the sink's
     * (as the runtime does before each claim), claims up to the free slots plus the room for prefetched jobs
     * ({@code WorkerConfig.prefetch}, at most {@code claimBatchSize} in all) and runs each claimed job to its
     * finishing write on this thread (a prefetched job runs here too, in the slot the job before it freed).
     *
     * @return the jobs claimed in this call (empty when none was due, or the extractor or sink is not ready)
     */
    public List<Job> claimAndRunOnce() {
        ClaimLoop.Pass pass = units.claimLoop.runOnce();
        // an extractor just started is checked for health on the next pass, as on the claim thread
        for (int i = 0; i < 2 && pass.claimed().isEmpty() && pass.pause().isZero() && !units.closing.get(); i++) {
            pass = units.claimLoop.runOnce();
        }
        return pass.claimed();
    }

    /** One heartbeat: times out overdue jobs, then renews the worker row and the leases held. */
    public void heartbeatOnce() {
        units.leases.beatOnce();
    }

    /** One pass of the timeout watchdog. Returns the ids of the jobs it timed out. */
    public List<Long> checkTimeoutsOnce() {
        return units.watchdog.checkOnce();
    }

    /** One stale-job check over the whole store (the rescue of jobs whose worker died). Returns the jobs reset. */
    public List<Job> staleCheckOnce() {
        return staleMonitor.runOnce();
    }

    /** One pass over the outcomes kept while the store was down. */
    public void retryPendingWritesOnce() {
        units.completer.retryPendingOnce();
    }

    /** The outcomes this worker recorded, oldest first. */
    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Jobs claimed and not yet finished (running on a test thread, or waiting for the store). */
    public int inFlightCount() {
        return units.slots.inFlightCount();
    }

    /** Extraction calls still running although their job was decided without them. */
    public int abandonedExtractions() {
        return units.extractor.abandonedExtractions();
    }

    /** The state this worker reports in its worker row. */
    public WorkerState state() {
        return units.state();
    }

    /** This worker's clock. */
    public Clock clock() {
        return clock;
    }

    /** This worker's ticker: a {@link ManualTicker} unless the builder was given another one. */
    public Ticker ticker() {
        return ticker;
    }

    /** {@link #ticker()} as the {@link ManualTicker} it is by default. */
    public ManualTicker manualTicker() {
        if (!(ticker instanceof ManualTicker)) {
            throw new IllegalStateException("this worker's ticker is " + ticker + ", not a ManualTicker");
        }
        return (ManualTicker) ticker;
    }

    /**
     * Stops claiming, gives prefetched jobs back (PENDING, no attempt spent), closes the extractor if it was started
     * and marks the worker STOPPED.
     */
    @Override
    public void close() {
        if (!units.closing.compareAndSet(false, true)) {
            return;
        }
        units.claimLoop.giveBackPrefetched("worker " + units.ctx.workerId() + " shutting down");
        units.extractor.close();
        units.markClosed();
        store.markWorkerStopped(units.info(WorkerState.STOPPED));
    }

    private static DocumentSink temporarySink() {
        try {
            return new FileSystemDocumentSink(Files.createTempDirectory("docket-manual-worker-"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory for documents", e);
        }
    }

    private final class Recorder implements WorkerListener {
        @Override
        public void onCompleted(Job job, StoredDocument document, Duration took) {
            outcomes.add(new Outcome(job, JobOutcome.Kind.COMPLETED, null));
        }

        @Override
        public void onFailed(Job job, String error, Duration took) {
            outcomes.add(new Outcome(job, JobOutcome.Kind.FAILED, error));
        }

        @Override
        public void onRetryScheduled(Job job, String error, Duration delay) {
            outcomes.add(new Outcome(job, JobOutcome.Kind.RETRY, error));
        }

        @Override
        public void onReleased(Job job, String reason) {
            outcomes.add(new Outcome(job, JobOutcome.Kind.RELEASED, reason));
        }

        @Override
        public void onThrottled(Job job, String why, Duration retryAfter) {
            outcomes.add(new Outcome(job, JobOutcome.Kind.THROTTLED, why));
        }
    }

    /** Builds a {@link ManualWorker}. Not thread-safe. */
    public static final class Builder {
        private final WorkerSettings settings;

        private Builder(JobStore store, Extractor extractor) {
            this.settings = new WorkerSettings(store, extractor, ManualTicker::new, ManualWorker::temporarySink);
        }

        /** Settings; default {@link WorkerConfig#defaults()} (only the values the steps use matter). */
        public Builder config(WorkerConfig config) {
            settings.config(config);
            return this;
        }

        /** Where documents go; default a {@link FileSystemDocumentSink} in a new temporary directory. */
        public Builder documentSink(DocumentSink sink) {
            settings.documentSink(sink);
            return this;
        }

        /** The clock for job deadlines; usually the {@link ManualClock} of the store. Default the UTC system clock. */
        public Builder clock(Clock clock) {
            settings.clock(clock);
            return this;
        }

        /** The elapsed-time source; default a new {@link ManualTicker}. */
        public Builder ticker(Ticker ticker) {
            settings.ticker(ticker);
            return this;
        }

        /** The retry policy; default exponential over the config's retry back-off. */
        public Builder retryPolicy(RetryPolicy policy) {
            settings.retryPolicy(policy);
            return this;
        }

        /** The policy of {@link ManualWorker#staleCheckOnce()}; default {@link StaleJobPolicy#leaseExpired()}. */
        public Builder stalePolicy(StaleJobPolicy policy) {
            settings.stalePolicy(policy);
            return this;
        }

        /** Adds a listener (any number); called on the thread of the step that fires it. */
        public Builder listener(WorkerListener listener) {
            settings.listener(listener);
            return this;
        }

        /** Builds the worker; nothing runs until a step is called. */
        public ManualWorker build() {
            return new ManualWorker(this);
        }
    }
}
