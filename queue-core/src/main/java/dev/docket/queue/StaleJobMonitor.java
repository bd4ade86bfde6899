package dev.docket.queue;

import dev.docket.queue.spi.JobStore;
import dev.docket.queue.internal.Listeners;
import dev.docket.queue.internal.NamedThreads;
import dev.docket.queue.internal.StaleResets;
import dev.docket.queue.internal.StoreHealth;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds PROCESSING jobs whose owner stopped answering (per a {@link StaleJobPolicy}) and resets them.
 * Every {@link WorkerRuntime} runs one; it can also run alone (a host with no workers that still
 * wants abandoned jobs recovered). Its reset is fenced, so many monitors in many processes may run
 * at once: each job is reset once. Each reset is logged at WARN with the job, the dead owner and the
 * reason, and recorded in the job's history. Thread-safe.
 */
public final class StaleJobMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StaleJobMonitor.class);
    /** Most stale jobs handled per pass. */
    public static final int BATCH = 500;

    private final JobStore store;
    private final StaleJobPolicy policy;
    private final Duration interval;
    private final String actor;
    private final Listeners listeners;
    private final StoreHealth storeHealth;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger lastFound = new AtomicInteger();
    private volatile ScheduledExecutorService scheduler;

    StaleJobMonitor(JobStore store, StaleJobPolicy policy, Duration interval, String actor, Listeners listeners,
            StoreHealth storeHealth) {
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.actor = actor;
        this.listeners = listeners;
        this.storeHealth = storeHealth;
    }

    /**
     * A monitor that runs alone.
     *
     * @param store    the store to watch
     * @param policy   what is stale and what to do
     * @param interval how often to look
     */
    public static StaleJobMonitor create(JobStore store, StaleJobPolicy policy, Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be > 0 but was " + interval);
        }
        String id = "monitor-" + ProcessHandle.current().pid();
        return new StaleJobMonitor(store, policy, interval, id, new Listeners(List.of()),
                new StoreHealth(id, e -> { }, d -> { }));
    }

    /** Starts looking every interval on a {@code docket-stale-...} thread. Returns this. */
    public synchronized StaleJobMonitor start() {
        if (scheduler != null) {
            throw new IllegalStateException("stale-job monitor already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreads("stale", actor));
        long ms = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::runQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            storeHealth.failed("stale-job check", e);
        }
    }

    /**
     * One pass: finds stale jobs and resets each per the policy, now, on the calling thread.
     *
     * @return the jobs reset
     * @throws StoreException when the store cannot be reached
     */
    public List<Job> runOnce() {
        if (!running.compareAndSet(false, true)) {
            return List.of();
        }
        try {
            List<StaleJob> stale = store.findStale(policy.criteria(), BATCH);
            storeHealth.succeeded();
            lastFound.set(stale.size());
            List<Job> reset = new java.util.ArrayList<>();
            for (StaleJob s : stale) {
                StaleDecision decision;
                Optional<Job> after;
                try {
                    decision = policy.decide(s);
                    after = StaleResets.apply(store, s, decision, actor, log);
                } catch (RuntimeException e) {
                    if (e instanceof StoreException && ((StoreException) e).isTransient()) {
                        throw e; // the store is down: the next pass tries again
                    }
                    // one unusual row (or a policy that throws for it) must not stop the rescue of the others
                    log.error("stale job {}: could not reset it ({}); the other stale jobs are reset all the same",
                            s.job().id(), e.getMessage(), e);
                    continue;
                }
                StaleDecision d = decision;
                after.ifPresent(job -> {
                    reset.add(job);
                    listeners.fire("onReset", l -> l.onReset(job, d, s.reason()));
                });
            }
            reconcileSources();
            return reset;
        } finally {
            running.set(false);
        }
    }

    /** Heals the sources' in-flight counts after the resets ({@link JobStore#reconcileSources()}). */
    private void reconcileSources() {
        try {
            int healed = store.reconcileSources();
            if (healed > 0) {
                log.warn("stale scan: corrected the in-flight count of {} source(s) against the jobs table", healed);
            }
        } catch (RuntimeException e) {
            log.warn("stale scan: could not reconcile the sources' in-flight counts ({}); the next scan tries again",
                    e.toString());
        }
    }

    /** How many stale jobs the last pass found (0 before the first). */
    public int lastFound() {
        return lastFound.get();
    }

    /** The policy in use. */
    public StaleJobPolicy policy() {
        return policy;
    }

    /** Stops the periodic checks; waits briefly for a pass in progress. Idempotent. */
    @Override
    public synchronized void close() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            return;
        }
        s.shutdownNow();
        try {
            if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("stale-job monitor {} did not stop within 5s", actor);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
