package dev.docket.queue.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobQueue;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link JobQueue} over any {@link JobStore}. Immutable; thread-safe as its store. */
public final class DefaultJobQueue implements JobQueue {
    private static final Logger log = LoggerFactory.getLogger(DefaultJobQueue.class);
    /**
     * A dead worker (not STOPPED, silent for longer than the heartbeat threshold) is an alert while it
     * owns PROCESSING jobs, however long ago it died. Once it owns none it is reported for this long after
     * the threshold: as a warning when it held jobs at its last heartbeat (they have been reset or
     * finished since), as an alert when it did not (it died idle, or right after a claim) until an
     * operator forgets it ({@link dev.docket.queue.QueueAdmin#forgetWorker(String)}). After that it is
     * history (purge removes its row).
     */
    static final Duration DEAD_WORKER_ALERT_FOR = Duration.ofHours(1);
    /** Most PROCESSING jobs of silent owners read to tell which dead workers still hold jobs. */
    static final int HELD_SCAN_LIMIT = 1000;

    private final JobStore store;
    private final String actor;

    public DefaultJobQueue(JobStore store, String actor) {
        this.store = Objects.requireNonNull(store, "store");
        this.actor = StoreChecks.actor(actor);
    }

    @Override
    public Job enqueue(NewJob job) {
        return store.enqueue(job);
    }

    @Override
    public List<Job> enqueueAll(List<NewJob> jobs) {
        return store.enqueueAll(jobs);
    }

    @Override
    public Optional<Job> find(long jobId) {
        return store.find(jobId);
    }

    @Override
    public List<JobEvent> history(long jobId) {
        return store.events(jobId);
    }

    @Override
    public Job retry(long jobId) {
        return store.retry(jobId, actor);
    }

    @Override
    public int retryAllFailed(String documentSource) {
        return store.retryAllFailed(documentSource, actor);
    }

    @Override
    public Job cancel(long jobId) {
        return store.cancel(jobId, actor);
    }

    @Override
    public int purge(Duration olderThan) {
        StoreChecks.olderThan(olderThan);
        int n = store.purge(olderThan);
        log.info("purged {} finished job(s) older than {}", n, Durations.format(olderThan));
        return n;
    }

    /** The zombie check of a live worker: its extractor's defunct child processes. */
    private static void defunct(WorkerInfo w, DiagnosticsOptions options, List<String> alerts, List<String> warnings) {
        Long n = w.extractorFigures().get(dev.docket.queue.ExtractorHealth.FIGURE_DEFUNCT_PROCESSES);
        if (n == null || n <= 0) {
            return;
        }
        String what = "worker " + w.workerId() + " has " + n + " defunct (zombie) child process(es): nothing reaps the"
                + " processes its browsers leave; run it under an init (docker run --init, or tini as the entrypoint)";
        if (n > options.defunctProcessesAlert()) {
            alerts.add(what + " (threshold " + options.defunctProcessesAlert() + ")");
        } else {
            warnings.add(what);
        }
    }

    @Override
    public void setSourcePolicy(String source, SourcePolicy policy) {
        StoreChecks.text("source", source);
        StoreChecks.notNull("policy", policy);
        store.setSourcePolicy(source, policy, actor);
        log.info("source {}: policy set to {} by {}", source, policy, actor);
    }

    @Override
    public void clearSourcePolicy(String source) {
        StoreChecks.text("source", source);
        store.setSourcePolicy(source, null, actor);
        log.info("source {}: own policy removed by {}; it follows the default", source, actor);
    }

    @Override
    public Optional<SourcePolicy> sourcePolicy(String source) {
        return store.sourcePolicy(StoreChecks.text("source", source));
    }

    @Override
    public SourcePolicy defaultSourcePolicy() {
        return store.sourcePolicy(null).orElse(SourcePolicy.defaults());
    }

    @Override
    public void setDefaultSourcePolicy(SourcePolicy policy) {
        store.setSourcePolicy(null, policy, actor);
        log.info("default source policy set to {} by {}", policy == null ? SourcePolicy.defaults() : policy, actor);
    }

    @Override
    public void pauseSource(String source, String reason) {
        store.pauseSource(StoreChecks.text("source", source), StoreChecks.text("reason", reason), actor);
        log.info("source {} paused by {}: {}", source, actor, reason);
    }

    @Override
    public boolean resumeSource(String source) {
        boolean was = store.resumeSource(StoreChecks.text("source", source), actor);
        log.info("source {} resumed by {}{}", source, actor, was ? "" : " (it was not paused)");
        return was;
    }

    @Override
    public void pauseAllSources(String reason) {
        store.pauseSource(null, StoreChecks.text("reason", reason), actor);
        log.info("all sources paused by {}: {}", actor, reason);
    }

    @Override
    public boolean resumeAllSources() {
        boolean was = store.resumeSource(null, actor);
        log.info("all sources resumed by {}{}", actor, was ? "" : " (none was paused)");
        return was;
    }

    @Override
    public List<SourceStatus> sources() {
        return store.sources();
    }

    @Override
    public List<SourceEvent> sourceHistory(String source, int limit) {
        return store.sourceEvents(source, StoreChecks.limit(limit));
    }

    @Override
    public Diagnostics diagnose(DiagnosticsOptions options) {
        Objects.requireNonNull(options, "options");
        QueueStats stats = store.stats();
        Instant now = stats.now();
        List<Diagnostics.WorkerStatus> workers = new ArrayList<>();
        List<String> alerts = new ArrayList<>();
        List<StaleJob> stale = store.findStale(StaleJobPolicy.leaseExpired().criteria(), 1000);
        List<String> warnings = new ArrayList<>();
        java.util.Set<String> holders = new java.util.HashSet<>();
        stale.forEach(s -> holders.add(s.job().workerId()));
        // PROCESSING jobs whose owner is silent, STOPPED or unknown: which dead workers still hold jobs
        for (StaleJob s : store.findStale(new StaleCriteria(false, options.heartbeatAlert(), null), HELD_SCAN_LIMIT)) {
            holders.add(s.job().workerId());
        }
        for (WorkerInfo w : store.workers()) {
            Duration age = w.lastHeartbeat() == null ? Duration.ZERO : Duration.between(w.lastHeartbeat(), now);
            boolean alive = w.state() != WorkerState.STOPPED && age.compareTo(options.heartbeatAlert()) <= 0;
            workers.add(new Diagnostics.WorkerStatus(w, age, alive));
            if (alive) {
                defunct(w, options, alerts, warnings);
            }
            if (alive || w.state() == WorkerState.STOPPED) {
                continue;
            }
            String silent = "worker " + w.workerId() + " has had no heartbeat for " + Durations.format(age)
                    + " (threshold " + Durations.format(options.heartbeatAlert()) + ")";
            boolean recent = age.compareTo(options.heartbeatAlert().plus(DEAD_WORKER_ALERT_FOR)) <= 0;
            if (holders.contains(w.workerId())) {
                alerts.add(silent);
            } else if (recent && w.inFlight() > 0) {
                warnings.add(silent + " and holds no job: the " + w.inFlight() + " it held at its last heartbeat"
                        + " are reset or finished; 'docket forget-worker " + w.workerId() + "' removes it");
            } else if (recent) {
                alerts.add(silent + " and holds no job: if it is gone for good, 'docket forget-worker "
                        + w.workerId() + "' acknowledges it");
            }
        }
        if (!stale.isEmpty()) {
            alerts.add(stale.size() + " stale job(s) held by dead workers: run reset-stuck-jobs or wait for the monitor");
        }
        List<Job> longRunning = new ArrayList<>();
        for (StaleJob s : store.findStale(new StaleCriteria(false, null, options.processingAlert()), 1000)) {
            longRunning.add(s.job());
        }
        if (!longRunning.isEmpty()) {
            alerts.add(longRunning.size() + " job(s) processing for more than "
                    + Durations.format(options.processingAlert()));
        }
        double rate = stats.errorRateLast60m();
        if (rate > options.errorRateAlert()) {
            alerts.add(String.format(java.util.Locale.ROOT, "error rate %.1f%% over the last 60 minutes (threshold %.1f%%)",
                    rate * 100, options.errorRateAlert() * 100));
        }
        List<SourceStatus> sources = SourceDiagnostics.sources(store);
        SourceDiagnostics.alert(store, sources, now, options.circuitOpenAlert(), alerts);
        return new Diagnostics(now, workers, stats, stale, longRunning, alerts, warnings, sources);
    }

    @Override
    public String toString() {
        return "JobQueue{store=" + store + ", actor=" + actor + "}";
    }
}
