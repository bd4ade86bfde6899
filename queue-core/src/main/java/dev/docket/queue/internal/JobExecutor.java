package dev.docket.queue.internal;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerRuntime;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one claimed job on the calling thread ({@link #execute(InFlight)}): MDC, the extractor, the document
 * sink, then the decision (completed, or the failure classified: permanent, infrastructure, sink unavailable,
 * or the {@link RetryPolicy}'s retry/fail) handed to the {@link JobCompleter}. An attempt that ends past its
 * timeout is timed out ({@link TimeoutWatchdog#timeOutIfOverdue}). A job decided elsewhere
 * meanwhile (timeout, lease loss, shutdown) keeps that decision: this attempt's result is discarded.
 */
public final class JobExecutor {
    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);

    private final WorkerContext ctx;
    private final String workerId;
    private final Slots slots;
    private final ExtractorSupervisor extractor;
    private final SinkSupervisor sink;
    private final JobCompleter completer;
    private final Retries retries;
    private final TimeoutWatchdog watchdog;

    public JobExecutor(WorkerContext ctx, Slots slots, ExtractorSupervisor extractor, SinkSupervisor sink,
            JobCompleter completer, Retries retries, TimeoutWatchdog watchdog) {
        this.ctx = ctx;
        this.workerId = ctx.workerId();
        this.slots = slots;
        this.extractor = extractor;
        this.sink = sink;
        this.completer = completer;
        this.retries = retries;
        this.watchdog = watchdog;
    }

    /** Extracts, stores and decides job {@code f} on this thread; the finishing write is started before it returns. */
    public void execute(InFlight f) {
        Job job = f.job();
        MDC.put(WorkerRuntime.MDC_JOB_ID, Long.toString(job.id()));
        MDC.put(WorkerRuntime.MDC_WORKER_ID, workerId);
        try {
            Duration waited = Duration.between(f.claimedAt(), ctx.clock().instant());
            ctx.listeners().fire("onStarted", l -> l.onStarted(job, waited.isNegative() ? Duration.ZERO : waited));
            Document doc = null;
            Throwable error = null;
            f.attach(Thread.currentThread());
            try {
                if (!f.isCancelled()) {
                    doc = ctx.extractor().extract(job, f);
                }
            } catch (Throwable t) {
                error = t;
                if (t instanceof VirtualMachineError) {
                    log.error("job {}: extractor threw {}", job.id(), t.toString());
                }
            } finally {
                f.detach();
                f.extractionReturned();
                if (extractor.returned(f)) {
                    log.info("job {}: the extraction abandoned after its job ended has returned", job.id());
                    slots.signal();
                }
                Thread.interrupted(); // the interrupt (if any) was ours, for this job only
            }
            if (f.isDecided()) {
                log.debug("job {}: extraction returned after the job was already decided (timeout or lease lost); "
                        + "result discarded", job.id());
                return;
            }
            StoredDocument stored = null;
            boolean extractorFailed = error != null;
            if (error == null && doc == null) {
                error = new ExtractionException(ExtractionException.Kind.TRANSIENT, "extractor returned null");
            }
            if (error == null && !f.isCancelled()) {
                try {
                    stored = ctx.sink().store(job, doc, f);
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
            if (watchdog.timeOutIfOverdue(f)) {
                log.debug("job {}: the attempt ended past its timeout; result discarded", job.id());
                completer.discard(f, stored, "the attempt ended past its timeout");
                return;
            }
            if (!f.decide()) {
                log.debug("job {}: decided elsewhere while storing; result discarded", job.id());
                completer.discard(f, stored, "the attempt was decided elsewhere while its document was stored");
                return;
            }
            JobOutcome outcome = error == null ? JobOutcome.completed(stored.toJson())
                    : classify(job, error, extractorFailed);
            completer.writeAsync(f, outcome, stored);
            // the extraction is over and its outcome decided: the slot may run the next job while the write is
            // batched; the job stays held (lease renewed, fenced write) until the write is done
            slots.freeSlot(f);
        } finally {
            MDC.remove(WorkerRuntime.MDC_JOB_ID);
            MDC.remove(WorkerRuntime.MDC_WORKER_ID);
        }
    }

    /** The outcome of a failed attempt of the extractor. */
    JobOutcome classify(Job job, Throwable error) {
        return classify(job, error, true);
    }

    /**
     * The outcome of a failed attempt. A transient failure of the extractor ({@code fromExtractor}: a timeout,
     * a refused connection, a 5xx, any exception it threw) counts against the job's source (its circuit
     * breaker); one of the document sink does not. A throttling gives the attempt back and blocks the source.
     */
    JobOutcome classify(Job job, Throwable error, boolean fromExtractor) {
        if (error instanceof DocumentSinkException) {
            fromExtractor = false;
            DocumentSinkException d = (DocumentSinkException) error;
            String msg = "document sink: " + Failures.describe(d);
            switch (d.kind()) {
                case PERMANENT:
                    log.warn("job {} ({} / {}) failed permanently: {}", job.id(), job.documentSource(),
                            job.documentNumber(), msg);
                    return JobOutcome.failed(msg);
                case UNAVAILABLE:
                case REJECTED:
                    log.warn("job {}: {}; releasing the job without spending its attempt, claiming nothing until the "
                            + "sink is ready", job.id(), msg);
                    sink.markDown(msg);
                    return JobOutcome.released(msg);
                default:
                    error = ExtractionException.transientFailure(msg, d);
            }
        }
        ExtractionException.Kind kind = error instanceof ExtractionException
                ? ((ExtractionException) error).kind() : ExtractionException.Kind.TRANSIENT;
        String msg = Failures.describe(error);
        switch (kind) {
            case PERMANENT:
                log.warn("job {} ({} / {}) failed permanently: {}", job.id(), job.documentSource(), job.documentNumber(), msg);
                return JobOutcome.failed(msg);
            case INFRASTRUCTURE:
                log.warn("job {}: extractor infrastructure failed ({}); releasing the job without spending its attempt "
                        + "and restarting the extractor", job.id(), msg);
                log.debug("job {}: infrastructure failure detail", job.id(), error);
                extractor.requestRestart();
                return JobOutcome.released("infrastructure: " + msg);
            case THROTTLED:
                Duration retryAfter = ((ExtractionException) error).retryAfter();
                log.warn("job {} ({} / {}): the registry throttled us ({}); back to PENDING without spending its "
                        + "attempt, source blocked {}", job.id(), job.documentSource(), job.documentNumber(), msg,
                        retryAfter.isZero() ? "for its policy's default" : "for " + Durations.format(retryAfter));
                return JobOutcome.throttled(msg, retryAfter);
            default:
                JobOutcome outcome = transientOutcome(job, error, msg);
                return fromExtractor ? outcome.countedAgainstSource() : outcome;
        }
    }

    /** A transient failure: retried per the retry policy while attempts remain, else failed. */
    private JobOutcome transientOutcome(Job job, Throwable error, String msg) {
        if (job.attempts() >= job.maxAttempts()) {
            log.warn("job {} ({} / {}) failed: attempts exhausted ({}/{}); last error: {}", job.id(),
                    job.documentSource(), job.documentNumber(), job.attempts(), job.maxAttempts(), msg, error);
            return JobOutcome.failed("attempts exhausted (" + job.attempts() + "/" + job.maxAttempts() + "): " + msg);
        }
        RetryPolicy.Decision decision = retries.decide(job, error);
        if (!decision.retry()) {
            log.warn("job {} ({} / {}) failed on attempt {}/{}: {}; the retry policy does not retry it",
                    job.id(), job.documentSource(), job.documentNumber(), job.attempts(), job.maxAttempts(),
                    msg, error instanceof ExtractionException ? null : error);
            return JobOutcome.failed("not retried (retry policy): " + msg);
        }
        Duration delay = decision.delay();
        log.warn("job {} ({} / {}) failed on attempt {}/{}: {}; retrying in {}", job.id(), job.documentSource(),
                job.documentNumber(), job.attempts(), job.maxAttempts(), msg, Durations.format(delay),
                error instanceof ExtractionException ? null : error);
        return JobOutcome.retryLater(msg, delay);
    }
}
