package dev.docket.queue.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.ResetReport;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StaleJobPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link QueueAdmin} over any {@link JobStore}. */
public final class DefaultQueueAdmin implements QueueAdmin {
    private static final Logger log = LoggerFactory.getLogger(DefaultQueueAdmin.class);
    /** How many stale jobs one reset pass handles at most. */
    static final int RESET_BATCH = 10_000;
    private static final String ACTOR = "admin";
    private final JobStore store;
    /** The deprecated job operations' delegate. */
    private final JobQueue queue;

    public DefaultQueueAdmin(JobStore store) {
        this.store = Objects.requireNonNull(store, "store");
        this.queue = new DefaultJobQueue(store, ACTOR);
    }

    @Override
    public List<ResetReport> resetStuckJobs(StaleJobPolicy policy, boolean dryRun) {
        Objects.requireNonNull(policy, "policy");
        Instant now = store.now();
        List<ResetReport> reports = new ArrayList<>();
        for (StaleJob stale : store.findStale(policy.criteria(), RESET_BATCH)) {
            StaleDecision decision = policy.decide(stale);
            Job job = stale.job();
            Duration inProcessing = job.processingStartedAt() == null ? Duration.ZERO
                    : Duration.between(job.processingStartedAt(), now);
            boolean applied = false;
            if (!dryRun) {
                applied = StaleResets.apply(store, stale, decision, ACTOR, log).isPresent();
            }
            reports.add(new ResetReport(job, stale.reason(), decision, inProcessing, applied));
        }
        return reports;
    }

    @Override
    public java.util.Optional<dev.docket.queue.JobProgress> progress(long jobId) {
        return store.progress(List.of(jobId)).stream().findFirst();
    }

    @Override
    public List<dev.docket.queue.JobProgress> progress(java.util.Collection<Long> jobIds) {
        return store.progress(jobIds);
    }

    @Override
    public boolean forgetWorker(String workerId) {
        boolean forgotten = store.forgetWorker(workerId);
        if (forgotten) {
            log.info("forgot worker {}: its row is deleted [by {}]", workerId, ACTOR);
        }
        return forgotten;
    }

    @Override
    @Deprecated
    public Diagnostics diagnose(DiagnosticsOptions options) {
        return queue.diagnose(options);
    }

    @Override
    @Deprecated
    public Optional<JobDetails> job(long jobId) {
        return store.find(jobId).map(j -> new JobDetails(j, store.events(jobId)));
    }

    @Override
    @Deprecated
    public Job retry(long jobId) {
        return queue.retry(jobId);
    }

    @Override
    @Deprecated
    public int retryAllFailed(String documentSource) {
        return queue.retryAllFailed(documentSource);
    }

    @Override
    @Deprecated
    public Job cancel(long jobId) {
        return queue.cancel(jobId);
    }

    @Override
    @Deprecated
    public int purge(Duration olderThan) {
        return queue.purge(olderThan);
    }
}
