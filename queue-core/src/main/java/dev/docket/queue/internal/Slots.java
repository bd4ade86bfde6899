package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.Ticker;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.spi.JobLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's {@code concurrency} slots and the jobs that hold them, plus the claim loop's wake-ups:
 * a slot is taken only by the claim loop ({@link #take()}) and given back exactly once per job
 * ({@link #freeSlot(InFlight)} when its outcome is decided and handed to the completer, or at the latest
 * {@link #release(InFlight)} when its finishing write is done), which wakes the claim loop and anyone waiting for
 * the runtime to drain. A job stays held (its lease renewed) until its finishing write is done.
 * The lowest free slot number is taken first, and at most {@link #limit(int)} slots are held at once (all of
 * them unless limited: {@code concurrency auto} limits them to what the extractor says it can run).
 * Thread-safe.
 */
public final class Slots {
    private static final Logger log = LoggerFactory.getLogger(Slots.class);

    private final String workerId;
    private final Ticker ticker;
    private final AtomicBoolean closing;
    private final int concurrency;
    private final int prefetch;
    private final boolean prefetchAuto;
    /** Moving average of the run times of this runtime's jobs in nanoseconds (weight 1/8 per job); -1: none yet. */
    private final AtomicLong averageRunNanos = new AtomicLong(-1);
    private static final long SHORT_JOB_NANOS = WorkerConfig.AUTO_PREFETCH_SHORT_JOB.toNanos();
    private final PriorityBlockingQueue<Integer> free;
    private volatile int limit;
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private boolean signalled;
    /**
     * Prefetched jobs by job id, in claim order: claimed, PROCESSING in the store, waiting for a slot. Guarded by
     * itself. Keyed so that the claim loop's check of every claimed job ({@link #dropReady}) is one lookup, not a
     * scan of up to {@code prefetch} waiting jobs.
     */
    private final LinkedHashMap<Long, Waiting> ready = new LinkedHashMap<>();
    private final AtomicInteger readyCount = new AtomicInteger();

    /**
     * A prefetched job waiting for a slot: its claim, and when this runtime claimed it.
     *
     * @param job       the claimed job (its lease)
     * @param claimedAt when it was claimed (the runtime's clock)
     */
    public record Waiting(Job job, Instant claimedAt) {
    }

    /**
     * A prefetched job and the slot just taken for it.
     *
     * @param waiting the job
     * @param slot    its slot
     */
    public record Start(Waiting waiting, int slot) {
    }

    /**
     * @param closing set by the runtime when it stops; ends every wait at once (and is set when a wait is interrupted)
     */
    public Slots(int concurrency, String workerId, Ticker ticker, AtomicBoolean closing) {
        this(concurrency, 0, workerId, ticker, closing);
    }

    /**
     * @param prefetch the most jobs claimed ahead ({@link WorkerConfig#prefetch()}): a slot freed
     *                 while more than half of them wait does not wake the claim loop (the job's own thread starts
     *                 the next one, {@link #startReady()})
     */
    public Slots(int concurrency, int prefetch, String workerId, Ticker ticker, AtomicBoolean closing) {
        this(concurrency, prefetch, false, workerId, ticker, closing);
    }

    /**
     * @param prefetchAuto claim ahead only while the moving average of the jobs' run times (start to hand-off) is
     *                     under {@link WorkerConfig#AUTO_PREFETCH_SHORT_JOB}: none before the
     *                     first job ended, none while jobs are longer
     */
    public Slots(int concurrency, int prefetch, boolean prefetchAuto, String workerId, Ticker ticker,
            AtomicBoolean closing) {
        this.prefetch = prefetch;
        this.prefetchAuto = prefetchAuto;
        this.workerId = workerId;
        this.ticker = ticker;
        this.closing = closing;
        this.concurrency = concurrency;
        this.limit = concurrency;
        this.free = new PriorityBlockingQueue<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            free.add(i);
        }
    }

    /** Slots that may be taken now: not held by a job, and within the {@link #limit(int) limit}. */
    public int free() {
        int notHeld = free.size();
        int held = concurrency - notHeld;
        return Math.max(0, Math.min(notHeld, limit - held));
    }

    /** Takes the lowest free slot, or returns null when none may be taken ({@link #free()} is 0). */
    public synchronized Integer take() {
        return free() > 0 ? free.poll() : null;
    }

    // ---------------------------------------------------------------- prefetched jobs

    /** Holds a prefetched job until a slot frees ({@link #startReady()}). */
    public void buffer(Waiting w) {
        synchronized (ready) {
            if (ready.put(w.job().id(), w) == null) {
                readyCount.incrementAndGet();
            }
        }
    }

    /** Prefetched jobs waiting for a slot. */
    public int readyCount() {
        return readyCount.get();
    }

    /**
     * The oldest prefetched job with a slot taken for it, or null when no job waits or no slot may be taken.
     * Taking the slot and the job is one step, so a slot is never taken without a job to run in it.
     */
    public synchronized Start startReady() {
        if (readyCount.get() == 0 || free() == 0) {
            return null;
        }
        Waiting w;
        synchronized (ready) {
            Iterator<Waiting> oldest = ready.values().iterator();
            if (!oldest.hasNext()) {
                return null;
            }
            w = oldest.next();
            oldest.remove();
            readyCount.decrementAndGet();
        }
        return new Start(w, free.poll());
    }

    /** Removes and returns every prefetched job (to give them back). */
    public List<Waiting> drainReady() {
        synchronized (ready) {
            List<Waiting> all = new ArrayList<>(ready.values());
            ready.clear();
            readyCount.addAndGet(-all.size());
            return all;
        }
    }

    /** Removes the prefetched job {@code jobId} (any lease when {@code lease} is null); true when it waited here. */
    public boolean dropReady(long jobId, JobLease lease) {
        synchronized (ready) {
            Waiting w = ready.get(jobId);
            if (w == null || (lease != null && !w.job().lease().equals(lease))) {
                return false;
            }
            ready.remove(jobId);
            readyCount.decrementAndGet();
            return true;
        }
    }

    /** The leases of the prefetched jobs: the heartbeat renews them. */
    public List<JobLease> readyLeases() {
        synchronized (ready) {
            List<JobLease> leases = new ArrayList<>(ready.size());
            for (Waiting w : ready.values()) {
                leases.add(w.job().lease());
            }
            return leases;
        }
    }

    /**
     * Holds at most {@code n} slots at once from now on (clamped to 1..concurrency); jobs already holding more
     * keep them until they end.
     *
     * @return the limit now in force
     */
    public int limit(int n) {
        limit = Math.max(1, Math.min(concurrency, n));
        return limit;
    }

    /** The most slots held at once (the concurrency unless {@link #limit(int) limited}). */
    public int limit() {
        return limit;
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

    /**
     * Gives the job's slot back for claiming (once, however often it is called) while the job stays held: its
     * lease is still renewed until {@link #release(InFlight)}. The job executor calls this as soon as it hands a
     * decided outcome to the completer, so a slot does not wait for its job's batched finishing write. Wakes the
     * claim loop.
     */
    public void freeSlot(InFlight f) {
        if (f.returnSlot()) {
            free.add(f.slot());
            if (prefetchAuto) {
                long ran = f.elapsed().toNanos();
                averageRunNanos.updateAndGet(avg -> avg < 0 ? ran : avg + (ran - avg) / 8);
            }
        }
        if (readyCount.get() <= prefetch() / 2) {
            signal(); // a slot to fill, or prefetched jobs to claim again
        }
    }

    /**
     * How many prefetched jobs this runtime may hold now: its {@code prefetch} setting; with prefetch auto, 0 before
     * the first job ended and while its jobs average {@link WorkerConfig#AUTO_PREFETCH_SHORT_JOB} or more, else as
     * many as its slots run in about that time on the recent average ({@code slots × short-job time / average}, at
     * least the slots), at most the setting. So a prefetched job waits, on the recent average, about one short job's
     * time beyond the jobs running: no-op jobs get whole claims ahead, 20 ms jobs a few per slot.
     */
    public int prefetch() {
        if (!prefetchAuto) {
            return prefetch;
        }
        long avg = averageRunNanos.get();
        if (avg < 0 || avg >= SHORT_JOB_NANOS) {
            return 0;
        }
        long inShortJobTime = (long) limit * SHORT_JOB_NANOS / Math.max(1, avg); // >= limit, as avg < SHORT_JOB
        return (int) Math.min(prefetch, inShortJobTime);
    }

    /**
     * The job's finishing write is done (or given up): it is no longer held, and its slot is given back unless it
     * already was. Wakes the claim loop and drain waiters.
     */
    public void release(InFlight f) {
        inFlight.remove(f.job().id(), f);
        boolean slotNow = f.returnSlot();
        if (slotNow) {
            free.add(f.slot());
        }
        lock.lock();
        try {
            // the claim loop has nothing new to do when the slot went back earlier (freeSlot woke it then), unless
            // nothing is held any more (an extractor restart waits for that)
            if (slotNow || inFlight.isEmpty()) {
                signalled = true;
                wake.signalAll();
            }
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
