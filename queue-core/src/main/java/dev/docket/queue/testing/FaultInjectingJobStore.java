package dev.docket.queue.testing;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link JobStore} that forwards to another and can be made to fail, for testing how code behaves
 * when the store does: every call ({@link #failEverything}: "this process lost the database", or,
 * with a non-transient error, "this process is dead" as far as the queue can tell), only finishing
 * writes ({@link #failFinish}), or claims returning nothing ({@link #disableClaims}). Thread-safe.
 */
public class FaultInjectingJobStore extends ForwardingJobStore {
    private final AtomicReference<RuntimeException> failAll = new AtomicReference<>();
    private final AtomicReference<RuntimeException> failFinish = new AtomicReference<>();
    private final AtomicInteger finishFailuresLeft = new AtomicInteger();
    private final AtomicInteger finishCalls = new AtomicInteger();
    private volatile boolean claimsDisabled;

    /** Forwards to {@code delegate}, failing nothing until told to. */
    public FaultInjectingJobStore(JobStore delegate) {
        super(delegate);
    }

    /** Every call fails with {@code e} until {@link #heal()}. */
    public void failEverything(RuntimeException e) {
        failAll.set(e);
    }

    /** The next {@code times} finish calls fail with {@code e} (Integer.MAX_VALUE: for good). */
    public void failFinish(RuntimeException e, int times) {
        failFinish.set(e);
        finishFailuresLeft.set(times);
    }

    /** Claims return nothing from now on (the worker stays alive, heartbeating). */
    public void disableClaims() {
        claimsDisabled = true;
    }

    /** Stops every injected failure. */
    public void heal() {
        failAll.set(null);
        failFinish.set(null);
        finishFailuresLeft.set(0);
    }

    /** How many finishing writes were attempted through this store. */
    public int finishCalls() {
        return finishCalls.get();
    }

    /** A transient store error, as a lost connection produces. */
    public static StoreException transientError() {
        return new StoreException("connection refused (test)", true);
    }

    @Override
    protected void beforeCall(String operation) {
        if (operation.equals("finish")) {
            finishCalls.incrementAndGet();
        }
        RuntimeException e = failAll.get();
        if (e != null) {
            throw e;
        }
        if (operation.equals("finish")) {
            RuntimeException f = failFinish.get();
            if (f != null && finishFailuresLeft.getAndDecrement() > 0) {
                throw f;
            }
        }
    }

    @Override
    public List<Job> claim(String workerId, int limit, Duration lease) {
        if (claimsDisabled) {
            beforeCall("claim");
            return List.of();
        }
        return super.claim(workerId, limit, lease);
    }
}
