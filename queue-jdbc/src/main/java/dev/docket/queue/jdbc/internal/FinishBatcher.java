package dev.docket.queue.jdbc.internal;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.StoreException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for finishing writes. Callers {@link #finish} from any number of threads; one
 * thread ({@code docket-finish-<schema>}) collects what arrives within {@code window} after the
 * first request (at most {@code maxBatch}) and hands the batch to the {@link Writer}, which applies
 * it in one statement. Each request is still fenced on its own: the writer returns the jobs it
 * wrote, every other request of the batch fails with {@link LeaseLostException} for its caller
 * only. A batch never holds the same job twice (a second request for a job waits for the next
 * batch), so requests for one job apply in arrival order.
 *
 * <p>Waits are bounded: a caller of {@link #finish}, and the future of {@link #submit}, get a
 * transient {@link StoreException} once a request has waited {@code maxWait} (a database that does
 * not answer must not hold job threads for ever). A request still queued then is withdrawn (not
 * written); one whose batch is being written is reported as in doubt.
 *
 * <p>Thread-safe. {@link #close(Duration)} stops accepting requests, writes what was accepted and
 * stops the thread. The thread survives any failure of a batch: the batch's callers get the
 * {@link StoreException}, the next batch runs as usual.
 */
public final class FinishBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FinishBatcher.class);
    private static final long IDLE_POLL_MS = 100;

    /** Applies one batch. */
    public interface Writer {
        /**
         * Applies every request whose lease still matches.
         *
         * @return the jobs written, by job id; requests missing from the map lost their lease
         * @throws StoreException when the batch could not be applied at all
         */
        Map<Long, Job> write(List<Request> batch);

        /** Best effort: why these requests' leases no longer match, by job id. Never throws. */
        Map<Long, String> explainLost(List<Request> lost);
    }

    /** One finishing write waiting for its batch. */
    public static final class Request {
        private final JobLease lease;
        private final JobOutcome outcome;
        private final CompletableFuture<Job> result = new CompletableFuture<>();
        private final long enqueuedNanos = System.nanoTime();
        /** Set by the first of the sweep and a waiting caller to expire it: only that one words the failure. */
        private final AtomicBoolean expiring = new AtomicBoolean();

        Request(JobLease lease, JobOutcome outcome) {
            this.lease = lease;
            this.outcome = outcome;
        }

        public JobLease lease() {
            return lease;
        }

        public JobOutcome outcome() {
            return outcome;
        }

        /** Completed by the batching thread (or by the sweep, with a failure). */
        CompletableFuture<Job> result() {
            return result;
        }
    }

    private final String name;
    private final Duration window;
    private final Duration maxWait;
    /**
     * Fails requests that waited {@code maxWait} ({@code <name>-timer}); the batching thread may be the one stuck.
     * One periodic sweep, not a timer per request: at tens of thousands of writes a second a scheduled task per
     * request (schedule, cancel, its heap lock) cost more than the write.
     */
    private final java.util.concurrent.ScheduledThreadPoolExecutor timer;
    /** The batch being written and since when (batching thread writes, the sweep reads). */
    private volatile List<Request> writing = List.of();
    private volatile long writingSinceNanos;
    /** Requests postponed to the next batch (a second request for a job already in the batch). */
    private final java.util.concurrent.ConcurrentLinkedDeque<Request> carried = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final int maxBatch;
    private final BatchWrite writes;
    // Lock-free submission: hundreds of job threads finish at once, and a lock (or a blocking queue's
    // lock) here was a convoy. The batching thread parks when idle and is unparked by the first submit.
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    /** Submits between their closing check and their enqueue: close() waits for them to land. */
    private final AtomicInteger submitting = new AtomicInteger();
    private volatile boolean idle;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean closing;
    private final AtomicBoolean closeCalled = new AtomicBoolean();

    /** Longest wait of the constructor without {@code maxWait}. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(25);

    /** As the full constructor, waiting at most {@link #DEFAULT_MAX_WAIT}. */
    public FinishBatcher(String name, Duration window, int maxBatch, Writer writer) {
        this(name, window, maxBatch, DEFAULT_MAX_WAIT, writer);
    }

    /**
     * Starts the batching thread.
     *
     * @param name     thread name ({@code docket-...})
     * @param window   how long to wait for more requests after the first of a batch (zero: take only
     *                 what is already queued)
     * @param maxBatch most requests in one statement
     * @param maxWait  longest a request waits for its write before its caller gets a transient failure
     */
    public FinishBatcher(String name, Duration window, int maxBatch, Duration maxWait, Writer writer) {
        this.name = Objects.requireNonNull(name, "name");
        this.window = Objects.requireNonNull(window, "window");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be > 0 but was " + maxWait);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1 but was " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.writes = new BatchWrite(name, Objects.requireNonNull(writer, "writer"));
        this.timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-timer");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues the write and waits for its batch. Waiting is not interruptible (the write is short and
     * must not be left in doubt); an interrupt received meanwhile is restored before returning.
     *
     * @return the job after the write
     * @throws LeaseLostException when the lease no longer matched
     * @throws StoreException     when the batch failed (transient when the database was unreachable)
     *                            or the store is closed
     */
    public Job finish(JobLease lease, JobOutcome outcome) {
        return await(enqueue(lease, outcome));
    }

    /**
     * Queues the write without waiting. The future completes (on the batching thread) with the job
     * after the write, or exceptionally with {@link LeaseLostException} or {@link StoreException} as
     * {@link #finish} would throw them; keep its callbacks short or run them elsewhere.
     *
     * @throws StoreException when the store is closed
     */
    public CompletableFuture<Job> submit(JobLease lease, JobOutcome outcome) {
        Request request = enqueue(lease, outcome);
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            startSweep(); // on the first asynchronous request: a synchronous caller bounds its own wait
        }
        return request.result.handle((job, e) -> {
            if (e == null) {
                return job;
            }
            throw BatchWrite.asCallerException(request, e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e);
        });
    }

    private Request enqueue(JobLease lease, JobOutcome outcome) {
        Request request = new Request(Objects.requireNonNull(lease, "lease"), Objects.requireNonNull(outcome, "outcome"));
        submitting.incrementAndGet();
        try {
            if (closing) {
                throw new StoreException("cannot finish job " + lease.jobId() + ": the store is closed", false);
            }
            queue.add(request);
            accepted.incrementAndGet();
        } finally {
            submitting.decrementAndGet();
        }
        if (idle) {
            LockSupport.unpark(thread);
        }
        return request;
    }

    private final AtomicBoolean sweeping = new AtomicBoolean();

    private void startSweep() {
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), maxWait.toNanos() / 4));
        try {
            timer.scheduleWithFixedDelay(this::expireOverdue, tick, tick, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
            log.debug("{}: closed before the sweep started; close() bounds the remaining waits", name);
        }
    }

    /** The periodic sweep: fails every request that has waited {@code maxWait}, queued, carried or being written. */
    private void expireOverdue() {
        try {
            long now = System.nanoTime();
            long max = maxWait.toNanos();
            for (Request r : queue) { // arrival order: stop at the first one still young
                if (now - r.enqueuedNanos < max) {
                    break;
                }
                expire(r);
            }
            for (Request r : carried) {
                if (now - r.enqueuedNanos >= max) {
                    expire(r);
                }
            }
            List<Request> batch = writing;
            if (!batch.isEmpty() && now - writingSinceNanos >= max) {
                for (Request r : batch) {
                    expire(r);
                }
            }
        } catch (RuntimeException e) {
            log.warn("{}: the sweep of overdue finishing writes failed; it runs again", name, e);
        }
    }

    /** Fails a request that waited {@code maxWait}: withdrawn when still queued, else in doubt. */
    private void expire(Request request) {
        if (request.result.isDone() || !request.expiring.compareAndSet(false, true)) {
            return;
        }
        boolean withdrawn = queue.remove(request) || carried.remove(request);
        String what = "finishing write of job " + request.lease.jobId() + " not confirmed within "
                + maxWait.toMillis() + "ms (the database is slow or unreachable); ";
        request.result.completeExceptionally(new StoreException(what + (withdrawn
                ? "it was withdrawn and not written" : "its batch is still being written, so it may yet apply"), true));
        if (withdrawn) {
            log.warn("{}: {}", name, what + "withdrawn");
        }
    }

    /** How many finishing writes were accepted so far (for tests and metrics). */
    public long accepted() {
        return accepted.get();
    }

    /** How many batches were written so far (for tests and metrics). */
    public long batchesWritten() {
        return writes.batches();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Stops accepting, writes what was accepted (waiting up to {@code timeout}), stops the thread. */
    public void close(Duration timeout) {
        if (!closeCalled.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        timer.shutdownNow();
        LockSupport.unpark(thread);
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{} did not finish its last batch within {}; failing the {} waiting write(s)", name, timeout,
                    queue.size());
            thread.interrupt();
        }
        Request r;
        while ((r = queue.poll()) != null) {
            r.result.completeExceptionally(new StoreException("cannot finish job " + r.lease.jobId()
                    + ": the store closed before the write", false));
        }
    }

    private void run() {
        while (true) {
            try {
                Request first = carried.isEmpty() ? queue.poll() : carried.poll();
                if (first == null) {
                    if (closing && submitting.get() == 0 && queue.isEmpty()) {
                        return; // every accepted write was written
                    }
                    idle = true;
                    if (queue.isEmpty()) {
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS));
                    }
                    idle = false;
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    continue;
                }
                List<Request> batch = collect(first, carried);
                writingSinceNanos = System.nanoTime();
                writing = batch;
                try {
                    writes.write(batch);
                } finally {
                    writing = List.of();
                }
            } catch (InterruptedException e) {
                if (closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
                log.debug("{} interrupted while not closing; carrying on", name);
            } catch (Throwable t) {
                // writeBatch completes every future itself; this only guards the loop.
                log.error("{}: unexpected failure in the batching loop; carrying on", name, t);
            }
        }
    }

    private List<Request> collect(Request first, java.util.Deque<Request> carried) throws InterruptedException {
        List<Request> batch = new ArrayList<>(Math.min(maxBatch, 64));
        Set<Long> ids = new HashSet<>();
        batch.add(first);
        ids.add(first.lease.jobId());
        // requests deferred from the previous batch first, in arrival order
        int n = carried.size();
        for (int i = 0; i < n && batch.size() < maxBatch; i++) {
            Request r = carried.poll();
            if (ids.add(r.lease.jobId())) {
                batch.add(r);
            } else {
                carried.add(r);
            }
        }
        long deadline = System.nanoTime() + window.toNanos();
        while (batch.size() < maxBatch) {
            Request r = queue.poll();
            if (r == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closing) {
                    break;
                }
                // sleep out the window (submits do not wake this thread while it is not idle)
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                continue;
            }
            if (ids.add(r.lease.jobId())) {
                batch.add(r);
            } else {
                carried.add(r);
            }
        }
        return batch;
    }

    private Job await(Request request) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            while (true) {
                try {
                    return request.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.TimeoutException e) {
                    expire(request);
                } catch (ExecutionException e) {
                    throw BatchWrite.asCallerException(request, e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
