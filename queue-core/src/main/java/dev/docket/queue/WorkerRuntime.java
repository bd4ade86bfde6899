package dev.docket.queue;

import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.testing.ManualTicker;
import dev.docket.queue.internal.Durations;
import dev.docket.queue.internal.InFlight;
import dev.docket.queue.internal.Listeners;
import dev.docket.queue.internal.NamedThreads;
import dev.docket.queue.internal.ShutdownSteps;
import dev.docket.queue.internal.StoreHealth;
import dev.docket.queue.internal.TimeoutWatchdog;
import dev.docket.queue.internal.WorkerContext;
import dev.docket.queue.internal.WorkerSettings;
import dev.docket.queue.internal.WorkerUnits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims jobs from a {@link JobStore}, runs them through an {@link Extractor}, stores the documents
 * in a {@link DocumentSink} and records each outcome, so that no job stays stuck:
 *
 * <ul>
 *   <li>every claimed job gets exactly one finishing write by this worker whatever the extractor
 *       does (throws, throws an {@code Error}, returns null, hangs past {@code jobTimeout}, ignores
 *       interrupts); a write that fails is retried until the store is back;</li>
 *   <li>leases are renewed by one heartbeat thread; a job whose owner dies is reset by the stale-job
 *       monitor of any runtime within {@code lease + staleCheckInterval};</li>
 *   <li>nothing is claimed while the extractor is not ready (failed start, browser down);</li>
 *   <li>{@link #close()} stops claiming at once, gives prefetched jobs ({@link WorkerConfig#prefetch()}) back
 *       at once, waits up to the grace period for running jobs, then releases the rest, all without spending
 *       their attempt.</li>
 * </ul>
 *
 * <p>Start one with {@code WorkerRuntime.builder(store, extractor).config(...).start()}; close it
 * when the host application stops (e.g. from a shutdown hook on SIGTERM). Threads are named
 * {@code docket-<role>-<workerId>-<n>}. Thread-safe.
 */
public final class WorkerRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    /** The MDC key holding the job id around job execution. */
    public static final String MDC_JOB_ID = "jobId";
    /** The MDC key holding the worker id around job execution. */
    public static final String MDC_WORKER_ID = "workerId";
    private static final Duration PENDING_WRITE_RETRY = Duration.ofMillis(500);
    /** What {@link #close()} may take beyond the grace period: releases, pending writes, the worker row, the extractor. */
    public static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);

    private final JobStore store;
    private final WorkerConfig config;
    private final Ticker ticker;
    private final String workerId;
    private final StaleJobMonitor staleMonitor;
    private final WorkerUnits units;

    private final ThreadPoolExecutor jobExecutor;
    private final ScheduledThreadPoolExecutor timeoutScheduler;
    private final ScheduledExecutorService heartbeatScheduler;
    private final ScheduledExecutorService maintenance;
    private final ThreadPoolExecutor completions;
    private final Thread claimThread;
    private volatile JobStore.Subscription subscription;

    private WorkerRuntime(Builder b) {
        WorkerSettings settings = b.settings;
        this.store = settings.store();
        this.config = settings.config();
        this.ticker = settings.ticker();
        this.workerId = config.workerId();
        Listeners listeners = new Listeners(settings.listeners());
        StoreHealth storeHealth = settings.storeHealth(listeners, this::signal);
        this.staleMonitor = new StaleJobMonitor(store, settings.stalePolicy(), config.staleCheckInterval(), workerId,
                listeners, storeHealth);
        RetryPolicy defaultRetry = settings.defaultRetryPolicy();
        WorkerContext ctx = settings.context(listeners, storeHealth);
        this.jobExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new NamedThreads("job", workerId));
        ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1, new NamedThreads("timeout", workerId));
        timeouts.setRemoveOnCancelPolicy(true);
        this.timeoutScheduler = timeouts;
        this.heartbeatScheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreads("heartbeat", workerId));
        this.maintenance = Executors.newSingleThreadScheduledExecutor(new NamedThreads("writer", workerId));
        this.completions = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new NamedThreads("complete", workerId));
        this.units = new WorkerUnits(ctx, defaultRetry, jobExecutor, completions, maintenance);
        this.claimThread = new NamedThreads("claim", workerId).newThread(units.claimLoop);
    }

    /**
     * A builder for a runtime over {@code store} running {@code extractor}.
     *
     * @param store     where jobs come from (e.g. {@code PostgresJobStore} or {@link InMemoryJobStore})
     * @param extractor the user's extractor
     */
    public static Builder builder(JobStore store, Extractor extractor) {
        return new Builder(store, extractor);
    }

    private WorkerRuntime startThreads() {
        // every period is derived before any thread starts: a value that cannot be scheduled fails here, leaking nothing
        long hb = config.heartbeatInterval().toMillis();
        long tick = watchdogTick(config.jobTimeout()).toMillis();
        long pendingRetry = PENDING_WRITE_RETRY.toMillis();
        if (hb <= 0 || tick <= 0) {
            throw new IllegalArgumentException("heartbeatInterval and the watchdog tick must be at least 1 ms but were "
                    + config.heartbeatInterval() + " and " + tick + " ms");
        }
        log.info("worker {} starting: {}", workerId, config);
        try {
            heartbeat();
        } catch (RuntimeException e) {
            log.debug("initial heartbeat failed", e);
        }
        try {
            heartbeatScheduler.scheduleAtFixedRate(units.leases::beatQuietly, hb, hb, TimeUnit.MILLISECONDS);
            timeoutScheduler.scheduleWithFixedDelay(units.watchdog::checkQuietly, tick, tick, TimeUnit.MILLISECONDS);
            maintenance.scheduleWithFixedDelay(this::retryPendingWritesQuietly, pendingRetry, pendingRetry,
                    TimeUnit.MILLISECONDS);
            staleMonitor.start();
            try {
                subscription = store.subscribe(this::signal);
            } catch (RuntimeException e) {
                log.warn("worker {}: store notifications unavailable, polling every {}", workerId,
                        Durations.format(config.pollInterval()), e);
            }
            claimThread.start();
        } catch (RuntimeException | Error e) {
            log.error("worker {}: start failed; stopping what was started", workerId, e);
            close();
            throw e;
        }
        return this;
    }

    private void signal() {
        // the store-health callback may fire before the units exist (never in practice: nothing runs yet)
        if (units != null) {
            units.slots.signal();
        }
    }

    private void retryPendingWritesQuietly() {
        try {
            units.completer.retryPendingOnce();
        } catch (RuntimeException e) {
            log.warn("worker {}: retrying pending writes failed", workerId, e);
        }
    }

    // ---------------------------------------------------------------- steps (tests, operations)

    /** One heartbeat now: the timeout watchdog, then the worker row and every held lease renewed. */
    void heartbeat() {
        units.leases.beatOnce();
    }

    /** One pass of the timeout watchdog now. */
    void checkTimeouts() {
        units.watchdog.checkOnce();
    }

    /** Runs one stale-job check now (tests, operations). */
    List<Job> staleCheckNow() {
        return staleMonitor.runOnce();
    }

    /** Tasks queued on the timeout thread: the watchdog only (no timer per job). */
    int pendingTimeouts() {
        return timeoutScheduler.getQueue().size();
    }

    /** How often the timeout watchdog looks for overdue jobs (see {@link TimeoutWatchdog#tick(Duration)}). */
    static Duration watchdogTick(Duration jobTimeout) {
        return TimeoutWatchdog.tick(jobTimeout);
    }

    /** Extraction threads still running although their job was decided without them (timed out, lease lost). */
    public int abandonedExtractions() {
        return units.extractor.abandonedExtractions();
    }

    // ---------------------------------------------------------------- state

    /** This worker's id. */
    public String workerId() {
        return workerId;
    }

    /** The settings in use. */
    public WorkerConfig config() {
        return config;
    }

    /** Jobs currently extracting or being recorded. */
    public int inFlightCount() {
        return units.slots.inFlightCount();
    }

    /** Jobs this runtime completed. */
    public long completedCount() {
        return units.completer.completedCount();
    }

    /** Jobs this runtime failed for good. */
    public long failedCount() {
        return units.completer.failedCount();
    }

    /** The state reported in the worker row. */
    public WorkerState state() {
        return units.state();
    }

    /**
     * Health for probes: DOWN when closed; DEGRADED with reasons when the extractor is not ready, the
     * store is unreachable or the last stale check found abandoned jobs; UP otherwise.
     */
    public WorkerHealth health() {
        if (units.closing.get()) {
            return new WorkerHealth(WorkerHealth.Status.DOWN, List.of("worker " + workerId + " is "
                    + (units.state() == WorkerState.STOPPED ? "stopped" : "stopping")));
        }
        List<String> reasons = new ArrayList<>();
        String problem = units.extractor.problem();
        if (problem != null) {
            reasons.add(problem);
        } else if (!units.extractor.started()) {
            reasons.add("extractor starting");
        }
        String hanging = units.extractor.abandonedProblem();
        if (hanging != null) {
            reasons.add(hanging);
        }
        String sinkDown = units.sink.problem();
        if (sinkDown != null) {
            reasons.add(sinkDown);
        }
        StoreHealth storeHealth = units.ctx.storeHealth();
        if (storeHealth.isDown()) {
            reasons.add("store unreachable: " + storeHealth.lastError());
        }
        int stale = staleMonitor.lastFound();
        if (stale > 0) {
            reasons.add(stale + " stale job(s) found at the last check");
        }
        return new WorkerHealth(reasons.isEmpty() ? WorkerHealth.Status.UP : WorkerHealth.Status.DEGRADED, reasons);
    }

    /**
     * What the extractor's {@link Extractor#health()} last returned before a claim (its status line, the slots it
     * can run and its {@link ExtractorHealth#figures() figures}: for the Playwright extractor memory per browser
     * and per slot, the limit in force, defunct processes); null before the extractor first answered.
     */
    public ExtractorHealth extractorHealth() {
        return units.extractor.lastHealth();
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Stops claiming at once, waits up to {@link WorkerConfig#shutdownGracePeriod()} for running jobs,
     * aborts and releases the rest back to PENDING without spending their attempt, closes the extractor,
     * marks the worker STOPPED and stops every thread it started. Returns within the grace period plus
     * {@link #CLOSE_MARGIN}, whatever the store or the extractor do: a store call or an extractor
     * {@code close()} that does not return in time is left behind on a daemon thread (logged), and the jobs
     * it concerned are reset once their lease expires. Idempotent; safe from any thread, including a
     * shutdown hook.
     */
    @Override
    public void close() {
        if (!units.closing.compareAndSet(false, true)) {
            return;
        }
        ShutdownSteps steps = new ShutdownSteps(ticker, config.shutdownGracePeriod().plus(CLOSE_MARGIN), workerId);
        log.info("worker {} stopping: {} job(s) running, grace period {}", workerId, units.slots.inFlightCount(),
                Durations.format(config.shutdownGracePeriod()));
        signal();
        ShutdownSteps.join(claimThread, Duration.ofSeconds(2));
        // prefetched jobs never started: back to PENDING at once (no attempt spent), for any worker to run
        steps.bounded("giving back prefetched jobs", CLOSE_MARGIN.dividedBy(4),
                () -> units.claimLoop.giveBackPrefetched("worker " + workerId + " shutting down"));
        units.slots.awaitDrained(config.shutdownGracePeriod());
        List<InFlight> toRelease = new ArrayList<>();
        for (InFlight f : new ArrayList<>(units.slots.inFlight())) {
            if (f.decide()) {
                f.cancel();
                units.extractor.noteIfAbandoned(f);
                toRelease.add(f);
            }
        }
        if (!toRelease.isEmpty()) {
            log.warn("worker {}: releasing {} job(s) still running after the grace period", workerId, toRelease.size());
            steps.bounded("releasing " + toRelease.size() + " job(s)", CLOSE_MARGIN.dividedBy(2), () -> {
                for (InFlight f : toRelease) {
                    units.completer.write(f, JobOutcome.released("worker " + workerId + " shutting down"), null);
                }
            });
        }
        units.slots.awaitDrained(steps.atMost(Duration.ofSeconds(2)));
        completions.shutdown();
        ShutdownSteps.await(completions, steps.atMost(Duration.ofSeconds(2)));
        maintenance.shutdown();
        ShutdownSteps.await(maintenance, steps.atMost(Duration.ofSeconds(2)));
        steps.bounded("recording pending outcomes", CLOSE_MARGIN.dividedBy(4), units.completer::retryPendingOnce);
        if (units.completer.pendingCount() > 0) {
            log.error("worker {}: {} outcome(s) could not be recorded before shutdown (store unreachable); those jobs "
                    + "will be reset when their lease expires", workerId, units.completer.pendingCount());
        }
        staleMonitor.close();
        heartbeatScheduler.shutdownNow();
        ShutdownSteps.await(heartbeatScheduler, steps.atMost(Duration.ofSeconds(1)));
        JobStore.Subscription s = subscription;
        if (s != null) {
            steps.bounded("closing the store subscription", Duration.ofSeconds(2), s::close);
        }
        if (units.extractor.started()) {
            steps.bounded("closing the extractor", CLOSE_MARGIN.dividedBy(2), units.extractor::close);
        }
        timeoutScheduler.shutdownNow();
        jobExecutor.shutdownNow();
        ShutdownSteps.await(timeoutScheduler, steps.atMost(Duration.ofSeconds(1)));
        if (!ShutdownSteps.await(jobExecutor, steps.atMost(Duration.ofSeconds(2)))) {
            log.warn("worker {}: {} job thread(s) ignored interruption and are abandoned (daemon threads)", workerId,
                    jobExecutor.getActiveCount());
        }
        units.markClosed();
        steps.bounded("marking the worker STOPPED", steps.left(),
                () -> store.markWorkerStopped(units.info(WorkerState.STOPPED)));
        log.info("worker {} stopped: {} completed, {} failed", workerId, completedCount(), failedCount());
    }

    /**
     * Builds and starts a {@link WorkerRuntime}. Not thread-safe.
     */
    public static final class Builder {
        private final WorkerSettings settings;

        private Builder(JobStore store, Extractor extractor) {
            this.settings = new WorkerSettings(store, extractor, Ticker::system,
                    () -> new FileSystemDocumentSink(Path.of("docket-documents")));
        }

        /** Settings; default {@link WorkerConfig#defaults()}. */
        public Builder config(WorkerConfig config) {
            settings.config(config);
            return this;
        }

        /** Where documents go; default a {@link FileSystemDocumentSink} in {@code ./docket-documents}. */
        public Builder documentSink(DocumentSink sink) {
            settings.documentSink(sink);
            return this;
        }

        /** Adds a listener (any number). */
        public Builder listener(WorkerListener listener) {
            settings.listener(listener);
            return this;
        }

        /** The stale-job policy of this runtime's monitor; default {@link StaleJobPolicy#leaseExpired()}. */
        public Builder stalePolicy(StaleJobPolicy policy) {
            settings.stalePolicy(policy);
            return this;
        }

        /** The clock for job deadlines; default UTC system clock. Leases use the store's clock. */
        public Builder clock(Clock clock) {
            settings.clock(clock);
            return this;
        }

        /**
         * The elapsed-time source; default {@link Ticker#system()}. It measures the real-time bound of
         * {@code jobTimeout} (a job times out when either the clock or the ticker says it is overdue), how long
         * an unrecorded outcome waits for the store, and the bound of {@link WorkerRuntime#close()}: a
         * {@code ManualTicker} that a test does not advance leaves only the clock to time jobs out, and
         * {@code close()} then waits for running jobs instead of releasing them after the grace period.
         */
        public Builder ticker(Ticker ticker) {
            settings.ticker(ticker);
            return this;
        }

        /**
         * What to do after an attempt failed transiently or timed out while the job has attempts left;
         * default {@link RetryPolicy#exponential(Duration, Duration, double)} over
         * {@link WorkerConfig#retryInitialBackoff()}..{@link WorkerConfig#retryMaxBackoff()} with ±20% jitter.
         */
        public Builder retryPolicy(RetryPolicy policy) {
            settings.retryPolicy(policy);
            return this;
        }

        /** Builds the runtime and starts its threads. The extractor is started on the claim thread. */
        public WorkerRuntime start() {
            return new WorkerRuntime(this).startThreads();
        }
    }
}
