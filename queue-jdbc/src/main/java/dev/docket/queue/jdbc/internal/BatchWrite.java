package dev.docket.queue.jdbc.internal;

import dev.docket.queue.Job;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.StoreException;
import dev.docket.queue.jdbc.internal.FinishBatcher.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link FinishBatcher} applies one batch through its {@link FinishBatcher.Writer}: a refused batch is retried
 * one request at a time, each request's future gets its job, a {@link LeaseLostException} with the writer's
 * explanation, or the batch's {@link StoreException}. Called on the batching thread only.
 */
final class BatchWrite {
    private static final Logger log = LoggerFactory.getLogger(FinishBatcher.class);

    private final String name;
    private final FinishBatcher.Writer writer;
    private final AtomicLong batches = new AtomicLong();

    BatchWrite(String name, FinishBatcher.Writer writer) {
        this.name = name;
        this.writer = writer;
    }

    /** How many batches were written so far. */
    long batches() {
        return batches.get();
    }

    /** Writes {@code batch} and completes each request's future: the job, a lost lease or the batch's failure. */
    void write(List<Request> batch) {
        Map<Long, Job> written;
        try {
            written = writer.write(batch);
            batches.incrementAndGet();
        } catch (StoreException e) {
            if (!e.isTransient() && batch.size() > 1) {
                // one bad row (a value the database refuses) must not fail the whole batch: apply one by one
                log.warn("{}: a batch of {} finishing writes was refused ({}); writing them one by one", name,
                        batch.size(), e.getMessage());
                for (Request r : batch) {
                    write(List.of(r));
                }
                return;
            }
            for (Request r : batch) {
                r.result().completeExceptionally(e);
            }
            return;
        } catch (Throwable t) {
            log.error("{}: a batch of {} finishing write(s) failed unexpectedly", name, batch.size(), t);
            StoreException e = new StoreException("finishing write failed unexpectedly: " + t, false, t);
            for (Request r : batch) {
                r.result().completeExceptionally(e);
            }
            return;
        }
        List<Request> lost = new ArrayList<>();
        for (Request r : batch) {
            Job job = written.get(r.lease().jobId());
            if (job != null) {
                r.result().complete(job);
            } else {
                lost.add(r);
            }
        }
        if (!lost.isEmpty()) {
            Map<Long, String> why = writer.explainLost(lost);
            for (Request r : lost) {
                String reason = why.getOrDefault(r.lease().jobId(), "the job is no longer PROCESSING under this lease");
                r.result().completeExceptionally(new LeaseLostException(r.lease().jobId(), reason + "; the "
                        + r.outcome().kind() + " write of worker " + r.lease().workerId() + " was discarded"));
            }
        }
    }

    /** The exception a caller of {@code request} gets for a batch failure {@code cause}. */
    static RuntimeException asCallerException(Request request, Throwable cause) {
        if (cause instanceof LeaseLostException) {
            return (LeaseLostException) cause;
        }
        if (cause instanceof StoreException) {
            StoreException s = (StoreException) cause;
            // a fresh exception per caller, so the stack trace shows the caller
            return new StoreException(s.getMessage(), s.isTransient(), s);
        }
        return new StoreException("finishing write of job " + request.lease().jobId() + " failed: " + cause, false,
                cause);
    }
}
