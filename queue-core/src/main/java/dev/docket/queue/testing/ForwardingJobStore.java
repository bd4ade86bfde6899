package dev.docket.queue.testing;

import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link JobStore} that forwards every call to another. Every operation first calls
 * {@link #beforeCall(String)} with its name ({@code "claim"}, {@code "finish"}, …): override that to
 * count calls, inject faults or add latency, or override single operations. {@link #now()} and
 * {@link #subscribe(Runnable)} are forwarded without the hook. Thread-safe when the delegate is.
 */
public class ForwardingJobStore implements JobStore {
    private final JobStore delegate;

    /** Forwards every call to {@code delegate}. */
    public ForwardingJobStore(JobStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls go to. */
    protected final JobStore delegate() {
        return delegate;
    }

    /** Runs before every forwarded operation; the default does nothing. May throw to fail the call. */
    protected void beforeCall(String operation) {
    }

    @Override
    public Job enqueue(NewJob job) {
        beforeCall("enqueue");
        return delegate.enqueue(job);
    }

    @Override
    public List<Job> enqueueAll(List<NewJob> jobs) {
        beforeCall("enqueueAll");
        return delegate.enqueueAll(jobs);
    }

    @Override
    public boolean forgetWorker(String workerId) {
        beforeCall("forgetWorker");
        return delegate.forgetWorker(workerId);
    }

    @Override
    public List<Job> claim(String workerId, int limit, Duration lease) {
        beforeCall("claim");
        return delegate.claim(workerId, limit, lease);
    }

    @Override
    public Job finish(JobLease lease, JobOutcome outcome) {
        beforeCall("finish");
        return delegate.finish(lease, outcome);
    }

    @Override
    public java.util.concurrent.CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
        beforeCall("finish");
        return delegate.finishAsync(lease, outcome);
    }

    @Override
    public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
        beforeCall("heartbeat");
        return delegate.heartbeat(heartbeat);
    }

    @Override
    public void markWorkerStopped(WorkerInfo worker) {
        beforeCall("markWorkerStopped");
        delegate.markWorkerStopped(worker);
    }

    @Override
    public List<StaleJob> findStale(StaleCriteria criteria, int limit) {
        beforeCall("findStale");
        return delegate.findStale(criteria, limit);
    }

    @Override
    public Optional<Job> reset(StaleJob stale, StaleDecision decision, String actor) {
        beforeCall("reset");
        return delegate.reset(stale, decision, actor);
    }

    @Override
    public void recordEvent(long jobId, JobEventType type, String actor, String message) {
        beforeCall("recordEvent");
        delegate.recordEvent(jobId, type, actor, message);
    }

    @Override
    public Optional<Job> find(long jobId) {
        beforeCall("find");
        return delegate.find(jobId);
    }

    @Override
    public List<JobEvent> events(long jobId) {
        beforeCall("events");
        return delegate.events(jobId);
    }

    @Override
    public List<WorkerInfo> workers() {
        beforeCall("workers");
        return delegate.workers();
    }

    @Override
    public QueueStats stats() {
        beforeCall("stats");
        return delegate.stats();
    }

    @Override
    public Job cancel(long jobId, String actor) {
        beforeCall("cancel");
        return delegate.cancel(jobId, actor);
    }

    @Override
    public Job retry(long jobId, String actor) {
        beforeCall("retry");
        return delegate.retry(jobId, actor);
    }

    @Override
    public int retryAllFailed(String documentSource, String actor) {
        beforeCall("retryAllFailed");
        return delegate.retryAllFailed(documentSource, actor);
    }

    @Override
    public int purge(Duration olderThan) {
        beforeCall("purge");
        return delegate.purge(olderThan);
    }

    @Override
    public Optional<dev.docket.queue.SourcePolicy> sourcePolicy(String source) {
        beforeCall("sourcePolicy");
        return delegate.sourcePolicy(source);
    }

    @Override
    public void setSourcePolicy(String source, dev.docket.queue.SourcePolicy policy, String actor) {
        beforeCall("setSourcePolicy");
        delegate.setSourcePolicy(source, policy, actor);
    }

    @Override
    public void pauseSource(String source, String reason, String actor) {
        beforeCall("pauseSource");
        delegate.pauseSource(source, reason, actor);
    }

    @Override
    public boolean resumeSource(String source, String actor) {
        beforeCall("resumeSource");
        return delegate.resumeSource(source, actor);
    }

    @Override
    public List<dev.docket.queue.SourceStatus> sources() {
        beforeCall("sources");
        return delegate.sources();
    }

    @Override
    public List<dev.docket.queue.SourceStatus> sourcesForAlerts() {
        beforeCall("sourcesForAlerts");
        return delegate.sourcesForAlerts();
    }

    @Override
    public List<dev.docket.queue.SourceEvent> sourceEvents(String source, int limit) {
        beforeCall("sourceEvents");
        return delegate.sourceEvents(source, limit);
    }

    @Override
    public int reconcileSources() {
        beforeCall("reconcileSources");
        return delegate.reconcileSources();
    }

    @Override
    public List<dev.docket.queue.JobProgress> progress(java.util.Collection<Long> jobIds) {
        beforeCall("progress");
        return delegate.progress(jobIds);
    }

    @Override
    public List<JobEvent> eventsOfPurgeable(Duration olderThan, JobEventType type, int limit) {
        beforeCall("eventsOfPurgeable");
        return delegate.eventsOfPurgeable(olderThan, type, limit);
    }

    @Override
    public Instant now() {
        return delegate.now();
    }

    @Override
    public Subscription subscribe(Runnable onJobsAvailable) {
        return delegate.subscribe(onJobsAvailable);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + delegate + "}";
    }
}
