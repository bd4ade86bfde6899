package dev.docket.queue;

import dev.docket.queue.internal.Backoff;
import dev.docket.queue.internal.Durations;
import dev.docket.queue.internal.FinishedBy;
import dev.docket.queue.internal.StoredDocuments;
import dev.docket.queue.internal.InFlight;
import dev.docket.queue.internal.Listeners;
import dev.docket.queue.internal.NamedThreads;
import dev.docket.queue.internal.Redaction;
import dev.docket.queue.internal.StoreHealth;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
 *   <li>{@link #close()} stops claiming at once, waits up to the grace period, then releases the rest
 *       without spending their attempt.</li>
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
    private static final int MAX_ERROR_LENGTH = 2000;
    private static final Duration PENDING_WRITE_RETRY = Duration.ofMillis(500);
    /** Shortest period of the timeout watchdog. */
    static final long MIN_WATCHDOG_TICK_MS = 10;
    /** An unrecorded outcome is retried for this many lease lengths, then left to lease expiry. */
    private static final int PENDING_WRITE_GIVE_UP_LEASES = 10;

    private final JobStore store;
    private final Extractor extractor;
    private final DocumentSink sink;
    private final WorkerConfig config;
    private final Clock clock;
    private final Listeners listeners;
    private final String workerId;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final Instant startedAt;
    private final StoreHealth storeHealth;
    private final StaleJobMonitor staleMonitor;
    private final Backoff retryBackoff;
    private final Backoff claimBackoff;
    private final Backoff extractorBackoff;
    private final Backoff sinkBackoff;
    private final Retry storeRetry;
    private final TimeLimiter timeLimiter;

    /** Elapsed time for the runtime's own bookkeeping (not job deadlines: those use {@link #clock}). */
    private final LongSupplier ticker = System::nanoTime;
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, PendingWrite> pendingWrites = new ConcurrentHashMap<>();
    /** Jobs decided (timed out, lease lost, released) whose extract() call has not returned: their threads hang. */
    private final java.util.Set<InFlight> abandoned = ConcurrentHashMap.newKeySet();
    /** Set while too many extraction threads hang: the runtime claims nothing (claim thread writes it). */
    private volatile String abandonedProblem;
    private final BlockingQueue<Integer> freeSlots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private boolean signalled;

    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean restartRequested = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean extractorStarted;
    private volatile String extractorProblem;
    /** {@link #extractorProblem} without its attempt number and retry delay, to log each change once. */
    private String extractorProblemReason = "";
    /** Why the document sink is not ready (its store refused or could not be reached), or null. */
    private volatile String sinkProblem;
    /** Whether listeners were told the current extractor instance is ready (claim thread only). */
    private boolean extractorUpAnnounced;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private final ThreadPoolExecutor jobExecutor;
    private final ScheduledThreadPoolExecutor timeoutScheduler;
    private final ScheduledExecutorService heartbeatScheduler;
    private final ScheduledExecutorService maintenance;
    private final ThreadPoolExecutor completions;
    private final Thread claimThread;
    private volatile JobStore.Subscription subscription;

    private WorkerRuntime(Builder b) {
        this.store = b.store;
        this.extractor = b.extractor;
        this.sink = b.sink != null ? b.sink : new FileSystemDocumentSink(Path.of("docket-documents"));
        this.config = b.config;
        this.clock = b.clock;
        this.listeners = new Listeners(b.listeners);
        this.workerId = config.workerId();
        this.host = hostName();
        this.startedAt = clock.instant();
        this.storeHealth = new StoreHealth(workerId,
                e -> listeners.fire("onStoreUnavailable", l -> l.onStoreUnavailable(e)),
                d -> {
                    listeners.fire("onStoreRecovered", l -> l.onStoreRecovered(d));
                    signal();
                });
        this.staleMonitor = new StaleJobMonitor(store, b.stalePolicy, config.staleCheckInterval(), workerId, listeners,
                storeHealth);
        this.retryBackoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff(), 0.2);
        this.claimBackoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2);
        this.extractorBackoff = new Backoff(config.extractorRestartBackoff(), Duration.ofMinutes(1), 0.2);
        this.sinkBackoff = new Backoff(config.extractorRestartBackoff(), Duration.ofMinutes(1), 0.2);
        this.storeRetry = Retry.of("docket-store-" + workerId, RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(50, 2.0, 0.2))
                .retryOnException(e -> e instanceof StoreException && ((StoreException) e).isTransient())
                .failAfterMaxAttempts(false)
                .build());
        this.timeLimiter = TimeLimiter.of("docket-job-" + workerId, TimeLimiterConfig.custom()
                .timeoutDuration(config.jobTimeout())
                .cancelRunningFuture(false) // the runtime aborts the job itself (cancel callbacks, interrupt)
                .build());
        this.freeSlots = new ArrayBlockingQueue<>(config.concurrency());
        for (int i = 0; i < config.concurrency(); i++) {
            freeSlots.add(i);
        }
        this.jobExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new NamedThreads("job", workerId));
        ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1, new NamedThreads("timeout", workerId));
        timeouts.setRemoveOnCancelPolicy(true); // a job that finishes in time leaves no timer behind
        this.timeoutScheduler = timeouts;
        this.heartbeatScheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreads("heartbeat", workerId));
        this.maintenance = Executors.newSingleThreadScheduledExecutor(new NamedThreads("writer", workerId));
        this.completions = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
                new NamedThreads("complete", workerId));
        this.claimThread = new NamedThreads("claim", workerId).newThread(this::claimLoop);
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
            heartbeatScheduler.scheduleAtFixedRate(this::heartbeatQuietly, hb, hb, TimeUnit.MILLISECONDS);
            timeoutScheduler.scheduleWithFixedDelay(this::checkTimeoutsQuietly, tick, tick, TimeUnit.MILLISECONDS);
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

    // ---------------------------------------------------------------- claim loop

    private void claimLoop() {
        MDC.put(MDC_WORKER_ID, workerId);
        Backoff.Sequence claimFailures = claimBackoff.sequence();
        Backoff.Sequence startFailures = extractorBackoff.sequence();
        Backoff.Sequence sinkFailures = sinkBackoff.sequence();
        while (!closing.get()) {
            try {
                if (!ensureExtractorReady(startFailures)) {
                    continue;
                }
                if (tooManyAbandoned()) {
                    awaitSignal(config.pollInterval());
                    continue;
                }
                if (!ensureSinkReady(sinkFailures)) {
                    continue;
                }
                int free = freeSlots.size();
                if (free == 0) {
                    awaitSignal(config.pollInterval());
                    continue;
                }
                int want = Math.min(free, config.claimBatchSize());
                List<Job> jobs;
                try {
                    jobs = store.claim(workerId, want, config.lease());
                    storeHealth.succeeded();
                    claimFailures.reset();
                } catch (RuntimeException e) {
                    storeHealth.failed("claim", e);
                    awaitSignal(claimFailures.next());
                    continue;
                }
                for (Job job : jobs) {
                    dispatch(job);
                }
                if (jobs.size() < want) {
                    awaitSignal(config.pollInterval());
                }
            } catch (RuntimeException | Error e) {
                log.error("worker {}: unexpected error in the claim loop; continuing", workerId, e);
                awaitSignal(claimFailures.next());
            }
        }
        MDC.remove(MDC_WORKER_ID);
    }

    /** True when the extractor is started and healthy; otherwise (re)starts it or waits, and returns false. */
    private boolean ensureExtractorReady(Backoff.Sequence failures) {
        if (extractorStarted && !restartRequested.get()) {
            ExtractorHealth h;
            try {
                h = extractor.health();
            } catch (RuntimeException e) {
                h = ExtractorHealth.down("health() threw " + e);
            }
            if (h != null && h.ready()) {
                failures.reset();
                if (extractorProblem != null || !extractorUpAnnounced) {
                    boolean recovered = extractorProblem != null;
                    extractorProblem = null;
                    extractorProblemReason = "";
                    extractorUpAnnounced = true;
                    log.info("worker {}: extractor ready", workerId);
                    listeners.fire("onExtractorUp", WorkerListener::onExtractorUp);
                    if (recovered) {
                        heartbeatQuietly();
                    }
                }
                return true;
            }
            String detail = h == null ? "health() returned null" : h.detail();
            Duration delay = failures.next();
            extractorDown("extractor not ready: " + detail + "; restarting it in " + Durations.format(delay), null);
            restartRequested.set(true);
            awaitSignal(delay);
            return false;
        }
        if (extractorStarted) {
            // restart: wait until the jobs still running on the old extractor are decided
            if (!inFlight.isEmpty()) {
                awaitSignal(config.pollInterval());
                return false;
            }
            closeExtractor();
            extractorStarted = false;
        }
        if (closing.get()) {
            return false;
        }
        try {
            extractor.start();
            extractorStarted = true;
            extractorUpAnnounced = false;
            restartRequested.set(false);
            log.info("worker {}: extractor {} started", workerId, extractor.getClass().getSimpleName());
            return false; // the next pass checks its health before claiming
        } catch (Exception | Error e) {
            Duration delay = failures.next();
            extractorDown("extractor failed to start (attempt " + failures.failures() + "): " + describe(e)
                    + "; retrying in " + Durations.format(delay), e);
            awaitSignal(delay);
            return false;
        }
    }

    /** True when the document sink says it can store documents; otherwise waits with back-off and returns false. */
    private boolean ensureSinkReady(Backoff.Sequence failures) {
        DocumentSinkHealth h;
        try {
            h = sink.health();
        } catch (RuntimeException e) {
            h = DocumentSinkHealth.down("health() threw " + e);
        }
        if (h != null && h.ready()) {
            failures.reset();
            if (sinkProblem != null) {
                sinkProblem = null;
                log.info("worker {}: document sink ready again", workerId);
                heartbeatQuietly();
            }
            return true;
        }
        Duration delay = failures.next();
        String problem = "document sink not ready: " + (h == null ? "health() returned null" : h.detail())
                + "; checking again in " + Durations.format(delay);
        boolean first = sinkProblem == null;
        sinkProblem = problem;
        if (first) {
            log.error("worker {}: {} — claiming nothing until it is ready", workerId, problem);
            heartbeatQuietly();
        } else {
            log.warn("worker {}: {}", workerId, problem);
        }
        awaitSignal(delay);
        return false;
    }

    /**
     * Records that the extractor is down. Logged once per change of state: ERROR (with the stack) the first
     * time, WARN when the reason changes, DEBUG while the same reason repeats at every retry.
     */
    private void extractorDown(String problem, Throwable e) {
        boolean first = extractorProblem == null;
        String reason = problemReason(problem);
        boolean changed = !reason.equals(extractorProblemReason);
        extractorProblem = problem;
        extractorProblemReason = reason;
        if (first) {
            log.error("worker {}: {} — claiming nothing until it is ready", workerId, problem, e);
        } else if (changed) {
            log.warn("worker {}: {}", workerId, problem);
        } else {
            log.debug("worker {}: {}", workerId, problem);
        }
        listeners.fire("onExtractorDown", l -> l.onExtractorDown(problem, e));
        heartbeatQuietly();
    }

    /** The problem text without "(attempt N)" and the trailing retry delay. */
    static String problemReason(String problem) {
        return problem.replaceAll(" \\(attempt \\d+\\)", "").replaceAll("; (retrying|restarting it) in [^;]*$", "");
    }

    private void closeExtractor() {
        try {
            extractor.close();
        } catch (Exception | Error e) {
            log.warn("worker {}: extractor close() threw; ignored", workerId, e);
        }
    }

    private void dispatch(Job job) {
        InFlight earlier = inFlight.get(job.id());
        if (earlier != null && !earlier.isDecided()) {
            // we claimed it again while our earlier claim was still running: that claim was reset, its lease lost
            leaseLost(job.id(), "the job was reset and claimed again", true);
        }
        // an earlier claim already decided (its outcome written or being written, e.g. released and at once
        // claimable again) lost nothing: its own finishing write reports how it ended
        Integer slot = freeSlots.poll();
        if (slot == null) {
            // cannot happen: the loop claims at most the free slots, and only it takes slots
            log.error("worker {}: no free slot for claimed job {}; releasing it", workerId, job.id());
            releaseUnstarted(job, "no free slot");
            return;
        }
        InFlight f = new InFlight(job, slot, clock, config.jobTimeout());
        inFlight.put(job.id(), f);
        log.debug("worker {}: claimed job {} ({} / {}), attempt {}/{}", workerId, job.id(), job.documentSource(),
                job.documentNumber(), job.attempts(), job.maxAttempts());
        listeners.fire("onClaimed", l -> l.onClaimed(job));
        if (closing.get()) {
            if (f.decide()) {
                writeOutcome(f, JobOutcome.released("worker " + workerId + " shutting down"), null);
            }
            return;
        }
        CompletableFuture<Boolean> run;
        try {
            // TRUE, not Void: resilience4j cancels its timer only for a non-null result
            run = CompletableFuture.supplyAsync(() -> {
                execute(f);
                return Boolean.TRUE;
            }, jobExecutor);
        } catch (RejectedExecutionException e) {
            if (f.decide()) {
                writeOutcome(f, JobOutcome.released("worker " + workerId + " shutting down"), null);
            }
            return;
        }
        // the TimeLimiter bounds the extraction in real time; the watchdog (checkTimeouts) also times out
        // jobs past their deadline by the runtime's clock; whichever is first decides, once
        timeLimiter.executeCompletionStage(timeoutScheduler, () -> run).whenComplete((v, ex) -> {
            if (ex != null && unwrap(ex) instanceof TimeoutException) {
                timeOut(f);
            }
        });
    }

    private void releaseUnstarted(Job job, String reason) {
        try {
            store.finish(job.lease(), JobOutcome.released(reason));
        } catch (RuntimeException e) {
            log.warn("worker {}: could not release job {} ({}); its lease will expire", workerId, job.id(), reason, e);
        }
    }

    // ---------------------------------------------------------------- job execution

    private void execute(InFlight f) {
        Job job = f.job();
        MDC.put(MDC_JOB_ID, Long.toString(job.id()));
        MDC.put(MDC_WORKER_ID, workerId);
        try {
            Duration waited = Duration.between(f.claimedAt(), clock.instant());
            listeners.fire("onStarted", l -> l.onStarted(job, waited.isNegative() ? Duration.ZERO : waited));
            Document doc = null;
            Throwable error = null;
            f.attach(Thread.currentThread());
            try {
                if (!f.isCancelled()) {
                    doc = extractor.extract(job, f);
                }
            } catch (Throwable t) {
                error = t;
                if (t instanceof VirtualMachineError) {
                    log.error("job {}: extractor threw {}", job.id(), t.toString());
                }
            } finally {
                f.detach();
                f.extractionReturned();
                if (abandoned.remove(f)) {
                    log.info("job {}: the extraction abandoned after its job ended has returned", job.id());
                    signal();
                }
                Thread.interrupted(); // the interrupt (if any) was ours, for this job only
            }
            if (f.isDecided()) {
                log.debug("job {}: extraction returned after the job was already decided (timeout or lease lost); "
                        + "result discarded", job.id());
                return;
            }
            StoredDocument stored = null;
            if (error == null && doc == null) {
                error = new ExtractionException(ExtractionException.Kind.TRANSIENT, "extractor returned null");
            }
            if (error == null && !f.isCancelled()) {
                try {
                    stored = sink.store(job, doc, f);
                    if (stored == null) {
                        error = new ExtractionException(ExtractionException.Kind.TRANSIENT, "document sink returned null");
                    }
                } catch (DocumentSinkException e) {
                    error = e; // the sink classified its failure (store unreachable, access refused, too large)
                } catch (ExtractionException e) {
                    error = e;
                } catch (IOException | RuntimeException e) {
                    error = ExtractionException.transientFailure("document sink failed: " + e.getMessage(), e);
                }
            }
            if (!f.decide()) {
                log.debug("job {}: decided elsewhere while storing; result discarded", job.id());
                discardDocument(f, stored, "the attempt was decided elsewhere while its document was stored");
                return;
            }
            JobOutcome outcome = error == null ? JobOutcome.completed(stored.toJson()) : classify(job, error);
            writeOutcomeAsync(f, outcome, stored);
        } finally {
            MDC.remove(MDC_JOB_ID);
            MDC.remove(MDC_WORKER_ID);
        }
    }

    private JobOutcome classify(Job job, Throwable error) {
        if (error instanceof DocumentSinkException) {
            DocumentSinkException d = (DocumentSinkException) error;
            String msg = "document sink: " + describe(d);
            switch (d.kind()) {
                case PERMANENT:
                    log.warn("job {} ({} / {}) failed permanently: {}", job.id(), job.documentSource(),
                            job.documentNumber(), msg);
                    return JobOutcome.failed(msg);
                case UNAVAILABLE:
                case REJECTED:
                    log.warn("job {}: {}; releasing the job without spending its attempt, claiming nothing until the "
                            + "sink is ready", job.id(), msg);
                    sinkProblem = msg;
                    return JobOutcome.released(msg);
                default:
                    error = ExtractionException.transientFailure(msg, d);
            }
        }
        ExtractionException.Kind kind = error instanceof ExtractionException
                ? ((ExtractionException) error).kind() : ExtractionException.Kind.TRANSIENT;
        String msg = describe(error);
        switch (kind) {
            case PERMANENT:
                log.warn("job {} ({} / {}) failed permanently: {}", job.id(), job.documentSource(), job.documentNumber(), msg);
                return JobOutcome.failed(msg);
            case INFRASTRUCTURE:
                log.warn("job {}: extractor infrastructure failed ({}); releasing the job without spending its attempt "
                        + "and restarting the extractor", job.id(), msg);
                log.debug("job {}: infrastructure failure detail", job.id(), error);
                restartRequested.set(true);
                return JobOutcome.released("infrastructure: " + msg);
            default:
                if (job.attempts() >= job.maxAttempts()) {
                    log.warn("job {} ({} / {}) failed: attempts exhausted ({}/{}); last error: {}", job.id(),
                            job.documentSource(), job.documentNumber(), job.attempts(), job.maxAttempts(), msg, error);
                    return JobOutcome.failed("attempts exhausted (" + job.attempts() + "/" + job.maxAttempts() + "): " + msg);
                }
                Duration delay = retryBackoff.delay(job.attempts());
                log.warn("job {} ({} / {}) failed on attempt {}/{}: {}; retrying in {}", job.id(), job.documentSource(),
                        job.documentNumber(), job.attempts(), job.maxAttempts(), msg, Durations.format(delay),
                        error instanceof ExtractionException ? null : error);
                return JobOutcome.retryLater(msg, delay);
        }
    }

    private void timeOut(InFlight f) {
        if (!f.decide()) {
            return;
        }
        Job job = f.job();
        f.cancel();
        noteIfAbandoned(f);
        String msg = "timed out after " + Durations.format(config.jobTimeout()) + " (attempt " + job.attempts() + "/"
                + job.maxAttempts() + ")";
        JobOutcome outcome;
        if (job.attempts() >= job.maxAttempts()) {
            outcome = JobOutcome.failed(msg + "; attempts exhausted").recordedAs(JobEventType.TIMED_OUT);
        } else {
            outcome = JobOutcome.retryLater(msg, retryBackoff.delay(job.attempts())).recordedAs(JobEventType.TIMED_OUT);
        }
        log.warn("job {} ({} / {}) on worker {} {}; extraction aborted, {}", job.id(), job.documentSource(),
                job.documentNumber(), workerId, msg, outcome.kind() == JobOutcome.Kind.FAILED ? "failing it"
                        : "retrying in " + Durations.format(outcome.delay()));
        listeners.fire("onTimedOut", l -> l.onTimedOut(job, config.jobTimeout()));
        try {
            maintenance.execute(() -> writeOutcome(f, outcome, null));
        } catch (RejectedExecutionException e) {
            writeOutcome(f, outcome, null);
        }
    }

    // ---------------------------------------------------------------- finishing writes

    /**
     * The finishing write of a job whose extraction ended, without keeping its slot's thread waiting
     * while the store batches the write: the thread goes back to the pool at once, and the outcome is
     * recorded (listeners, slot freed) on the {@code docket-complete} thread when the write is done.
     * A write that fails transiently falls back to {@link #writeOutcome} (retries, then kept until the
     * store is back), on a pool thread. Waking one thread per batch instead of one per job matters: on
     * a small machine the context switches cost more than the rest of a no-op job.
     */
    private void writeOutcomeAsync(InFlight f, JobOutcome outcome, StoredDocument stored) {
        java.util.concurrent.CompletionStage<Job> stage;
        try {
            stage = store.finishAsync(f.lease(), outcome);
        } catch (RuntimeException e) {
            writeOutcome(f, outcome, stored); // a store whose finishAsync throws: the synchronous path handles it
            return;
        }
        try {
            stage.whenCompleteAsync((after, ex) -> completed(f, outcome, stored, after, ex), completions);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: record it on this thread
            stage.whenComplete((after, ex) -> completed(f, outcome, stored, after, ex));
        }
    }

    /** Records the result of an asynchronous finishing write (on the docket-complete thread). */
    private void completed(InFlight f, JobOutcome outcome, StoredDocument stored, Job after, Throwable ex) {
        Job job = f.job();
        MDC.put(MDC_JOB_ID, Long.toString(job.id()));
        MDC.put(MDC_WORKER_ID, workerId);
        boolean fallBack = false;
        try {
            Throwable e = ex == null ? null : unwrap(ex);
            if (e == null) {
                storeHealth.succeeded();
                written(f, outcome, stored, after);
            } else if (e instanceof LeaseLostException) {
                writeRejected(f, outcome, stored, "finishing write rejected: " + e.getMessage());
            } else if (e instanceof StoreException && ((StoreException) e).isTransient()) {
                fallBack = true;
            } else {
                notRecorded(f, outcome, stored, e);
            }
        } catch (RuntimeException | Error e) {
            log.error("worker {}: recording {} for job {} failed", workerId, outcome, job.id(), e);
        } finally {
            MDC.remove(MDC_JOB_ID);
            MDC.remove(MDC_WORKER_ID);
        }
        if (!fallBack) {
            freeSlot(f);
            return;
        }
        // transient store failure: the synchronous path retries, then keeps it until the store is back
        try {
            jobExecutor.execute(() -> writeOutcome(f, outcome, stored));
        } catch (RejectedExecutionException rejected) {
            writeOutcome(f, outcome, stored);
        }
    }

    private void writeOutcome(InFlight f, JobOutcome outcome, StoredDocument stored) {
        Job job = f.job();
        try {
            Job after = storeRetry.executeSupplier(() -> store.finish(f.lease(), outcome));
            storeHealth.succeeded();
            written(f, outcome, stored, after);
        } catch (LeaseLostException e) {
            writeRejected(f, outcome, stored, "finishing write rejected: " + e.getMessage());
        } catch (StoreException e) {
            if (e.isTransient()) {
                storeHealth.failed("finish job " + job.id(), e);
                pendingWrites.put(job.id(), new PendingWrite(f, outcome, stored, ticker.getAsLong()));
            } else {
                notRecorded(f, outcome, stored, e);
            }
        } catch (RuntimeException e) {
            notRecorded(f, outcome, stored, e);
        } finally {
            freeSlot(f);
        }
    }

    /** A finishing write the store refused for good (not a lease loss): the attempt's document is not the job's. */
    private void notRecorded(InFlight f, JobOutcome outcome, StoredDocument stored, Throwable e) {
        if (e instanceof IllegalArgumentException && outcome.kind() == JobOutcome.Kind.COMPLETED) {
            // the store refuses the result itself (not storable JSON, too large): the job cannot complete with it, so
            // it fails now with the reason instead of staying PROCESSING until it is reset as abandoned
            JobOutcome failure = JobOutcome.failed("the result could not be stored: " + describe(e));
            log.error("worker {}: job {}: the store refused its result ({}); failing the job", workerId, f.job().id(),
                    e.getMessage());
            discardDocument(f, stored, "the store refused the result that names it");
            try {
                Job after = store.finish(f.lease(), failure);
                written(f, failure, null, after);
            } catch (LeaseLostException lost) {
                leaseLost(f.job().id(), "finishing write rejected: " + lost.getMessage(), false);
            } catch (RuntimeException again) {
                log.error("worker {}: could not record {} for job {} either; the job stays PROCESSING until its lease "
                        + "expires and the stale-job monitor resets it", workerId, failure, f.job().id(), again);
            }
            return;
        }
        log.error("worker {}: could not record {} for job {}; the job stays PROCESSING until its lease expires "
                + "and the stale-job monitor resets it", workerId, outcome, f.job().id(), e);
        discardDocument(f, stored, "its finishing write was refused");
    }

    /**
     * A finishing write rejected with "lease lost". When an earlier try of the same write did commit (the
     * connection broke before the answer came back), the job shows this attempt's outcome: then nothing was
     * lost and the write counts as done. Otherwise the lease was really lost and this attempt's document goes.
     */
    private void writeRejected(InFlight f, JobOutcome outcome, StoredDocument stored, String reason) {
        Optional<Job> now = findQuietly(f.job().id());
        if (now.isPresent() && FinishedBy.attempt(now.get(), f.job(), outcome, stored)) {
            log.info("job {}: {} was already recorded by an earlier try of the same write", f.job().id(),
                    outcome.kind());
            written(f, outcome, stored, now.get());
            return;
        }
        leaseLost(f.job().id(), reason, false);
        discardDocument(f, stored, "its finishing write lost (" + reason + ")");
    }

    /** Removes the document of an attempt that did not win (see the fenced protocol of {@link DocumentSink}). */
    private void discardDocument(InFlight f, StoredDocument stored, String why) {
        if (stored == null) {
            return;
        }
        Job job = f.job();
        Optional<Job> now = findQuietly(job.id());
        if (now.isPresent() && StoredDocuments.referencedBy(now.get(), stored.uri())) {
            log.warn("job {}: keeping {}: the job's recorded result points to it", job.id(), stored.uri());
            return;
        }
        try {
            sink.discard(job, stored);
            log.info("job {}: removed this attempt's document {}: {}", job.id(), stored.uri(), why);
        } catch (IOException | RuntimeException e) {
            log.warn("worker {}: could not remove the losing document {} of job {} ({}); it is not the job's "
                    + "document, and DocumentSweeper removes it later", workerId, stored.uri(), job.id(), why, e);
        }
    }

    private Optional<Job> findQuietly(long jobId) {
        try {
            return store.find(jobId);
        } catch (RuntimeException e) {
            log.debug("worker {}: could not read job {} back", workerId, jobId, e);
            return Optional.empty();
        }
    }

    private void written(InFlight f, JobOutcome outcome, StoredDocument stored, Job after) {
        Job job = f.job();
        Duration took = f.elapsed();
        if (stored != null) {
            try {
                sink.committed(job, stored);
            } catch (IOException | RuntimeException e) {
                log.warn("worker {}: the document sink failed after job {} was completed with {}; the job keeps it",
                        workerId, job.id(), stored.uri(), e);
            }
        }
        switch (outcome.kind()) {
            case COMPLETED:
                completed.incrementAndGet();
                if (log.isDebugEnabled()) { // Durations.format is not free, and this runs for every job
                    log.debug("job {} completed in {}", job.id(), Durations.format(took));
                }
                listeners.fire("onCompleted", l -> l.onCompleted(after, stored, took));
                break;
            case FAILED:
                failed.incrementAndGet();
                listeners.fire("onFailed", l -> l.onFailed(after, outcome.error(), took));
                break;
            case RETRY:
                listeners.fire("onRetryScheduled", l -> l.onRetryScheduled(after, outcome.error(), outcome.delay()));
                break;
            default:
                log.info("job {} released: {}", job.id(), outcome.error());
                listeners.fire("onReleased", l -> l.onReleased(after, outcome.error()));
        }
    }

    private void freeSlot(InFlight f) {
        inFlight.remove(f.job().id(), f);
        if (f.returnSlot()) {
            freeSlots.add(f.slot());
        }
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void retryPendingWritesQuietly() {
        try {
            retryPendingWrites();
        } catch (RuntimeException e) {
            log.warn("worker {}: retrying pending writes failed", workerId, e);
        }
    }

    private void retryPendingWrites() {
        for (PendingWrite p : new ArrayList<>(pendingWrites.values())) {
            Job job = p.flight.job();
            try {
                Job after = store.finish(p.flight.lease(), p.outcome);
                pendingWrites.remove(job.id(), p);
                storeHealth.succeeded();
                log.info("job {}: {} recorded after the store came back", job.id(), p.outcome.kind());
                written(p.flight, p.outcome, p.stored, after);
            } catch (LeaseLostException e) {
                pendingWrites.remove(job.id(), p);
                writeRejected(p.flight, p.outcome, p.stored, "delayed finishing write rejected: " + e.getMessage());
            } catch (StoreException e) {
                if (!e.isTransient()) {
                    pendingWrites.remove(job.id(), p);
                    log.error("worker {}: giving up recording {} for job {}; its lease will expire and the stale-job "
                            + "monitor resets it", workerId, p.outcome, job.id(), e);
                    discardDocument(p.flight, p.stored, "its finishing write was refused");
                } else if (ticker.getAsLong() - p.sinceNanos > config.lease().multipliedBy(PENDING_WRITE_GIVE_UP_LEASES).toNanos()) {
                    pendingWrites.remove(job.id(), p);
                    log.error("worker {}: giving up recording {} for job {} after {} of store errors; its lease is no "
                            + "longer renewed, so the stale-job monitor resets it", workerId, p.outcome, job.id(),
                            Durations.format(config.lease().multipliedBy(PENDING_WRITE_GIVE_UP_LEASES)), e);
                } else {
                    storeHealth.failed("finish job " + job.id(), e);
                    return; // still down: try again later
                }
            }
        }
    }

    private void leaseLost(long jobId, String reason, boolean abort) {
        InFlight f = inFlight.get(jobId);
        if (abort && f != null) {
            if (!f.decide()) {
                return; // already finishing; its write will report the loss itself
            }
            f.cancel();
            noteIfAbandoned(f);
            freeSlot(f);
        }
        PendingWrite pending = pendingWrites.remove(jobId);
        log.warn("job {} on worker {}: lease lost ({}); this worker's result is discarded{}", jobId, workerId, reason,
                pending != null ? " (unwritten " + pending.outcome.kind() + ")" : "");
        listeners.fire("onLeaseLost", l -> l.onLeaseLost(jobId, reason));
        try {
            store.recordEvent(jobId, JobEventType.LEASE_LOST, workerId, reason);
        } catch (RuntimeException e) {
            log.debug("could not record LEASE_LOST event for job {}", jobId, e);
        }
    }

    // ---------------------------------------------------------------- abandoned extractions

    /** Counts the extraction of a job just decided without it while its extract() call is still running. */
    private void noteIfAbandoned(InFlight f) {
        if (f.isExtracting()) {
            abandoned.add(f);
        }
    }

    /** Extraction threads still running although their job was decided without them (timed out, lease lost). */
    public int abandonedExtractions() {
        abandoned.removeIf(f -> !f.isExtracting());
        return abandoned.size();
    }

    /**
     * True while more extraction threads hang than {@code concurrency}: each one ignored the interrupt and the
     * cancel callbacks of its job, so more jobs would only add more. The runtime then claims nothing, reports
     * DEGRADED with the count, and restarts the extractor once (which usually unblocks them). It claims again
     * as soon as enough of them have returned.
     */
    private boolean tooManyAbandoned() {
        int hanging = abandonedExtractions();
        int limit = config.concurrency();
        if (hanging > limit) {
            if (abandonedProblem == null) {
                abandonedProblem = hanging + " extraction thread(s) kept running after their job ended (timed out or "
                        + "lease lost) and ignore interruption (limit " + limit + ", the concurrency); claiming nothing "
                        + "and restarting the extractor";
                log.error("worker {}: {}", workerId, abandonedProblem);
                restartRequested.set(true);
                heartbeatQuietly();
            }
            return true;
        }
        if (abandonedProblem != null) {
            abandonedProblem = null;
            log.info("worker {}: abandoned extraction threads are down to {} (limit {}); claiming again", workerId,
                    hanging, limit);
            heartbeatQuietly();
        }
        return false;
    }

    // ---------------------------------------------------------------- heartbeat

    private void heartbeatQuietly() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            log.warn("worker {}: heartbeat failed", workerId, e);
        }
    }

    /** One heartbeat: renews the worker row and every held lease, aborts jobs whose lease was lost, times out overdue ones. */
    void heartbeat() {
        checkTimeouts();
        List<JobLease> held = new ArrayList<>();
        for (InFlight f : inFlight.values()) {
            held.add(f.lease());
        }
        for (PendingWrite p : pendingWrites.values()) {
            held.add(p.flight.lease());
        }
        Map<Long, JobLease> sent = new java.util.HashMap<>();
        for (JobLease l : held) {
            sent.put(l.jobId(), l);
        }
        java.util.Set<Long> lost;
        try {
            lost = store.heartbeat(new WorkerHeartbeat(info(state()), held, config.lease()));
            storeHealth.succeeded();
        } catch (RuntimeException e) {
            storeHealth.failed("heartbeat", e);
            return;
        }
        for (Long id : lost) {
            if (stillRunning(id, sent.get(id))) {
                leaseLost(id, "lease could not be renewed: the job was reset or re-claimed", true);
            } else {
                // its outcome was decided (finished, being written, or waiting for the store) while the renewal was
                // on its way: only that finishing write can tell whether the lease was lost, and it reports it
                log.debug("job {}: decided while its lease was being renewed; its finishing write tells the rest", id);
            }
        }
    }

    /** True while this runtime still runs the claim {@code lease} of job {@code id}, its outcome undecided. */
    private boolean stillRunning(long id, JobLease lease) {
        InFlight f = inFlight.get(id);
        return f != null && f.lease().equals(lease) && !f.isDecided();
    }

    /** Tasks queued on the timeout thread: the watchdog, plus one TimeLimiter timer per running job. */
    int pendingTimeouts() {
        return timeoutScheduler.getQueue().size();
    }

    /**
     * How often the timeout watchdog looks for overdue jobs: a twentieth of the job timeout, between
     * {@value #MIN_WATCHDOG_TICK_MS} ms and 1 s, so a job is aborted at most that late.
     */
    static Duration watchdogTick(Duration jobTimeout) {
        long ms = Math.max(MIN_WATCHDOG_TICK_MS, Math.min(1_000, jobTimeout.toMillis() / 20));
        return Duration.ofMillis(ms);
    }

    private void checkTimeoutsQuietly() {
        try {
            checkTimeouts();
        } catch (RuntimeException e) {
            log.warn("worker {}: the timeout watchdog failed; it runs again in {}", workerId,
                    Durations.format(watchdogTick(config.jobTimeout())), e);
        }
    }

    /** Times out every in-flight job past its deadline by the runtime's clock. */
    void checkTimeouts() {
        for (InFlight f : inFlight.values()) {
            if (!f.isDecided() && f.isOverdue()) {
                timeOut(f);
            }
        }
    }

    /** Runs one stale-job check now (tests, operations). */
    List<Job> staleCheckNow() {
        return staleMonitor.runOnce();
    }

    private WorkerInfo info(WorkerState state) {
        String problem = extractorProblem != null ? extractorProblem
                : abandonedProblem != null ? abandonedProblem
                : sinkProblem != null ? sinkProblem
                : storeHealth.isDown() ? "store unreachable: " + storeHealth.lastError() : null;
        return new WorkerInfo(workerId, host, pid, state, startedAt, null, config.concurrency(), inFlight.size(),
                completed.get(), failed.get(), problem);
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
        return inFlight.size();
    }

    /** Jobs this runtime completed. */
    public long completedCount() {
        return completed.get();
    }

    /** Jobs this runtime failed for good. */
    public long failedCount() {
        return failed.get();
    }

    /** The state reported in the worker row. */
    public WorkerState state() {
        if (closed) {
            return WorkerState.STOPPED;
        }
        if (closing.get()) {
            return WorkerState.STOPPING;
        }
        if (extractorProblem != null || abandonedProblem != null || sinkProblem != null || storeHealth.isDown()) {
            return WorkerState.DEGRADED;
        }
        return extractorStarted ? WorkerState.RUNNING : WorkerState.STARTING;
    }

    /**
     * Health for probes: DOWN when closed; DEGRADED with reasons when the extractor is not ready, the
     * store is unreachable or the last stale check found abandoned jobs; UP otherwise.
     */
    public WorkerHealth health() {
        if (closing.get()) {
            return new WorkerHealth(WorkerHealth.Status.DOWN, List.of("worker " + workerId + " is "
                    + (closed ? "stopped" : "stopping")));
        }
        List<String> reasons = new ArrayList<>();
        String problem = extractorProblem;
        if (problem != null) {
            reasons.add(problem);
        } else if (!extractorStarted) {
            reasons.add("extractor starting");
        }
        String hanging = abandonedProblem;
        if (hanging != null) {
            reasons.add(hanging);
        }
        String sinkDown = sinkProblem;
        if (sinkDown != null) {
            reasons.add(sinkDown);
        }
        if (storeHealth.isDown()) {
            reasons.add("store unreachable: " + storeHealth.lastError());
        }
        int stale = staleMonitor.lastFound();
        if (stale > 0) {
            reasons.add(stale + " stale job(s) found at the last check");
        }
        return new WorkerHealth(reasons.isEmpty() ? WorkerHealth.Status.UP : WorkerHealth.Status.DEGRADED, reasons);
    }

    // ---------------------------------------------------------------- wake-ups

    private void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void awaitSignal(Duration max) {
        lock.lock();
        try {
            long nanos = max.toNanos();
            while (!signalled && !closing.get() && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!closing.get()) {
                log.warn("worker {}: claim loop interrupted; stopping it", workerId);
                closing.set(true);
            }
        } finally {
            lock.unlock();
        }
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
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        long deadline = ticker.getAsLong() + config.shutdownGracePeriod().plus(CLOSE_MARGIN).toNanos();
        log.info("worker {} stopping: {} job(s) running, grace period {}", workerId, inFlight.size(),
                Durations.format(config.shutdownGracePeriod()));
        signal();
        join(claimThread, Duration.ofSeconds(2));
        awaitDrained(config.shutdownGracePeriod());
        List<InFlight> toRelease = new ArrayList<>();
        for (InFlight f : new ArrayList<>(inFlight.values())) {
            if (f.decide()) {
                f.cancel();
                noteIfAbandoned(f);
                toRelease.add(f);
            }
        }
        if (!toRelease.isEmpty()) {
            log.warn("worker {}: releasing {} job(s) still running after the grace period", workerId, toRelease.size());
            bounded("releasing " + toRelease.size() + " job(s)", deadline, CLOSE_MARGIN.dividedBy(2), () -> {
                for (InFlight f : toRelease) {
                    writeOutcome(f, JobOutcome.released("worker " + workerId + " shutting down"), null);
                }
            });
        }
        awaitDrained(min(Duration.ofSeconds(2), left(deadline)));
        completions.shutdown();
        await(completions, min(Duration.ofSeconds(2), left(deadline)));
        maintenance.shutdown();
        await(maintenance, min(Duration.ofSeconds(2), left(deadline)));
        bounded("recording pending outcomes", deadline, CLOSE_MARGIN.dividedBy(4), this::retryPendingWrites);
        if (!pendingWrites.isEmpty()) {
            log.error("worker {}: {} outcome(s) could not be recorded before shutdown (store unreachable); those jobs "
                    + "will be reset when their lease expires", workerId, pendingWrites.size());
        }
        staleMonitor.close();
        heartbeatScheduler.shutdownNow();
        await(heartbeatScheduler, min(Duration.ofSeconds(1), left(deadline)));
        JobStore.Subscription s = subscription;
        if (s != null) {
            bounded("closing the store subscription", deadline, Duration.ofSeconds(2), s::close);
        }
        if (extractorStarted) {
            bounded("closing the extractor", deadline, CLOSE_MARGIN.dividedBy(2), this::closeExtractor);
        }
        timeoutScheduler.shutdownNow();
        jobExecutor.shutdownNow();
        await(timeoutScheduler, min(Duration.ofSeconds(1), left(deadline)));
        if (!await(jobExecutor, min(Duration.ofSeconds(2), left(deadline)))) {
            log.warn("worker {}: {} job thread(s) ignored interruption and are abandoned (daemon threads)", workerId,
                    jobExecutor.getActiveCount());
        }
        closed = true;
        bounded("marking the worker STOPPED", deadline, left(deadline),
                () -> store.markWorkerStopped(info(WorkerState.STOPPED)));
        log.info("worker {} stopped: {} completed, {} failed", workerId, completed.get(), failed.get());
    }

    /** What {@link #close()} may take beyond the grace period: releases, pending writes, the worker row, the extractor. */
    public static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);

    private Duration left(long deadline) {
        long nanos = deadline - ticker.getAsLong();
        return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(nanos);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Runs a shutdown step on a daemon thread of its own and waits for it at most {@code max} and at most until
     * {@code deadline}: a store or extractor that hangs cannot hold {@link #close()} past its bound. A step left
     * behind finishes (or fails) on its own; it is logged.
     */
    private void bounded(String what, long deadline, Duration max, Runnable step) {
        Duration wait = min(max, left(deadline));
        Thread t = new NamedThreads("close", workerId).newThread(() -> {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                log.warn("worker {}: {} failed during shutdown", workerId, what, e);
            }
        });
        t.start();
        try {
            t.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("worker {}: {} did not finish within {} during shutdown; leaving it behind (the store or the "
                    + "extractor does not answer); jobs it concerned are reset when their lease expires", workerId, what,
                    Durations.format(wait));
        }
    }

    private void awaitDrained(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        lock.lock();
        try {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                drained.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private static void join(Thread t, Duration max) {
        try {
            t.join(max.toMillis());
            if (t.isAlive()) {
                t.interrupt();
                t.join(max.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean await(java.util.concurrent.ExecutorService e, Duration max) {
        try {
            return e.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The error text recorded for a job: the exception's message, URL query strings and user info redacted. */
    static String describe(Throwable t) {
        String m = Redaction.redactUrls(t.getMessage());
        String s = (t instanceof ExtractionException ? "" : t.getClass().getSimpleName() + ": ") + (m == null ? "" : m);
        if (t instanceof ExtractionException && (m == null || m.isBlank())) {
            s = t.getClass().getSimpleName();
        }
        return s.length() > MAX_ERROR_LENGTH ? s.substring(0, MAX_ERROR_LENGTH) + "…" : s;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static final class PendingWrite {
        final InFlight flight;
        final JobOutcome outcome;
        final StoredDocument stored;

        final long sinceNanos;

        PendingWrite(InFlight flight, JobOutcome outcome, StoredDocument stored, long sinceNanos) {
            this.flight = flight;
            this.outcome = outcome;
            this.stored = stored;
            this.sinceNanos = sinceNanos;
        }
    }

    /**
     * Builds and starts a {@link WorkerRuntime}. Not thread-safe.
     */
    public static final class Builder {
        private final JobStore store;
        private final Extractor extractor;
        private WorkerConfig config = WorkerConfig.defaults();
        private DocumentSink sink;
        private final List<WorkerListener> listeners = new ArrayList<>();
        private StaleJobPolicy stalePolicy = StaleJobPolicy.leaseExpired();
        private Clock clock = Clock.systemUTC();

        private Builder(JobStore store, Extractor extractor) {
            this.store = Objects.requireNonNull(store, "store");
            this.extractor = Objects.requireNonNull(extractor, "extractor");
        }

        /** Settings; default {@link WorkerConfig#defaults()}. */
        public Builder config(WorkerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Where documents go; default a {@link FileSystemDocumentSink} in {@code ./docket-documents}. */
        public Builder documentSink(DocumentSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Adds a listener (any number). */
        public Builder listener(WorkerListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The stale-job policy of this runtime's monitor; default {@link StaleJobPolicy#leaseExpired()}. */
        public Builder stalePolicy(StaleJobPolicy policy) {
            this.stalePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock for job deadlines; default UTC system clock. Leases use the store's clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the runtime and starts its threads. The extractor is started on the claim thread. */
        public WorkerRuntime start() {
            return new WorkerRuntime(this).startThreads();
        }
    }
}
