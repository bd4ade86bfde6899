package dev.docket.queue.internal;

import dev.docket.queue.Ticker;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's {@code concurrency} slots and the jobs that hold them, plus the claim loop's wake-ups:
 * a slot is taken only by the claim loop ({@link #take()}) and given back exactly once per job
 * ({@link #release(InFlight)}), which wakes the claim loop and anyone waiting for the runtime to drain.
 * Thread-safe.
 */
public final class Slots {
    private static final Logger log = LoggerFactory.getLogger(Slots.class);

    private final String workerId;
    private final Ticker ticker;
    private final AtomicBoolean closing;
    private final BlockingQueue<Integer> free;
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private boolean signalled;

    /**
     * @param closing set by the runtime when it stops; ends every wait at once (and is set when a wait is interrupted)
     */
    public Slots(int concurrency, String workerId, Ticker ticker, AtomicBoolean closing) {
        this.workerId = workerId;
        this.ticker = ticker;
        this.closing = closing;
        this.free = new ArrayBlockingQueue<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            free.add(i);
        }
    }

    /** Slots not held by a job. */
    public int free() {
        return free.size();
    }

    /** Takes a free slot, or returns null when none is free. */
    public Integer take() {
        return free.poll();
    }

    /** Records a job that holds its slot. */
    public void hold(InFlight f) {
        inFlight.put(f.job().id(), f);
    }

    /** The job with {@code id} held here, or null. */
    public InFlight get(long id) {
        return inFlight.get(id);
    }

    /** A live view of the jobs held. */
    public Collection<InFlight> inFlight() {
        return inFlight.values();
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    public boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** Gives the job's slot back (once, however often it is called) and wakes the claim loop and drain waiters. */
    public void release(InFlight f) {
        inFlight.remove(f.job().id(), f);
        if (f.returnSlot()) {
            free.add(f.slot());
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

    /** Wakes the claim loop (a job was enqueued, the store came back, a slot was freed). */
    public void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code max} for a {@link #signal()} or closing; consumes the signal. */
    public void awaitSignal(Duration max) {
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

    /**
     * Waits up to {@code max}, measured on the ticker, until no job holds a slot. The wait itself is on the
     * condition in slices of at most 100 ms, so a manual ticker that never moves makes this wait for the jobs.
     *
     * @return true when drained
     */
    public boolean awaitDrained(Duration max) {
        long deadline = ticker.read() + max.toNanos();
        lock.lock();
        try {
            while (!inFlight.isEmpty()) {
                long left = deadline - ticker.read();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inFlight.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
