package dev.docket.queue.internal;

import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The units of one runtime wired together, without threads: {@code WorkerRuntime} runs their steps on its
 * {@code docket-*} threads, {@code testing.ManualWorker} on the caller's. Also the worker's state and row.
 */
public final class WorkerUnits {
    public final WorkerContext ctx;
    public final AtomicBoolean closing = new AtomicBoolean();
    public final Slots slots;
    public final ExtractorSupervisor extractor;
    public final SinkSupervisor sink;
    public final JobCompleter completer;
    public final JobExecutor executor;
    public final TimeoutWatchdog watchdog;
    public final LeaseKeeper leases;
    public final ClaimLoop claimLoop;
    private final String host = hostName();
    private final long pid = ProcessHandle.current().pid();
    private final Instant startedAt;
    private volatile boolean closed;

    /**
     * @param jobThreads  where claimed jobs run (and where a failed asynchronous write is retried)
     * @param completions where asynchronous finishing writes are recorded
     * @param writer      where the outcomes of timed-out jobs are written
     */
    public WorkerUnits(WorkerContext ctx, RetryPolicy defaultRetry, Executor jobThreads, Executor completions,
            Executor writer) {
        this.ctx = ctx;
        this.startedAt = ctx.clock().instant();
        Retries retries = new Retries(ctx.retryPolicy(), defaultRetry);
        this.slots = new Slots(ctx.config().concurrency(), ctx.config().prefetch(), ctx.config().prefetchAuto(), ctx.workerId(), ctx.ticker(), closing);
        // announcements go through the lease keeper, wired last: they only run once the units are built
        Runnable announce = () -> leases().beatQuietly();
        this.extractor = new ExtractorSupervisor(ctx, slots, closing, announce);
        this.sink = new SinkSupervisor(ctx, announce);
        this.completer = new JobCompleter(ctx, slots, extractor, completions, jobThreads);
        this.watchdog = new TimeoutWatchdog(ctx, slots, extractor, completer, retries, writer);
        this.executor = new JobExecutor(ctx, slots, extractor, sink, completer, retries, watchdog);
        this.leases = new LeaseKeeper(ctx, slots, completer, watchdog, () -> info(state()));
        this.claimLoop = new ClaimLoop(ctx, slots, extractor, sink, executor, completer, jobThreads, closing);
    }

    private LeaseKeeper leases() {
        return leases;
    }

    /** Marks the worker stopped (the last step of close). */
    public void markClosed() {
        closed = true;
    }

    /** The state reported in the worker row. */
    public WorkerState state() {
        if (closed) {
            return WorkerState.STOPPED;
        }
        if (closing.get()) {
            return WorkerState.STOPPING;
        }
        if (problem() != null) {
            return WorkerState.DEGRADED;
        }
        return extractor.started() ? WorkerState.RUNNING : WorkerState.STARTING;
    }

    /** The first reason the worker is degraded (extractor, hanging threads, sink, store), or null. */
    public String problem() {
        String p = extractor.problem();
        if (p == null) {
            p = extractor.abandonedProblem();
        }
        if (p == null) {
            p = sink.problem();
        }
        if (p == null && ctx.storeHealth().isDown()) {
            p = "store unreachable: " + ctx.storeHealth().lastError();
        }
        return p;
    }

    /**
     * The worker row in {@code state}. Its {@code in_flight} is every job the worker holds PROCESSING: running or
     * being written, and claimed ahead ({@link WorkerConfig#prefetch()}), so it matches the store's PROCESSING jobs
     * under this worker.
     */
    public WorkerInfo info(WorkerState state) {
        ExtractorHealth h = extractor.lastHealth();
        return new WorkerInfo(ctx.workerId(), host, pid, state, startedAt, null, slots.limit(),
                slots.inFlightCount() + slots.readyCount(), completer.completedCount(), completer.failedCount(),
                problem(), h == null ? Map.of() : h.figures());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
