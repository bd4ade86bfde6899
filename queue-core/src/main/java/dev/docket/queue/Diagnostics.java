package dev.docket.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A diagnostics snapshot, what {@code docket diagnose} prints.
 *
 * @param now        the store's clock
 * @param workers    every known worker with its heartbeat age and liveness
 * @param stats      counts by status and recent throughput
 * @param staleJobs  PROCESSING jobs the default policy would reset now
 * @param longRunning PROCESSING jobs running longer than the alert threshold
 * @param alerts     human-readable alerts: something needs a human now (empty when all is well)
 * @param warnings   human-readable findings that need no action now, e.g. a dead worker that holds no
 *                   job any more (its row can be removed with {@link QueueAdmin#forgetWorker(String)})
 * @param sources    every document source with its backlog, policy and flow-control state (empty when the
 *                   store has no source flow control); alerts name circuits open too long and paused sources
 *                   with a backlog
 */
public record Diagnostics(
        Instant now,
        List<WorkerStatus> workers,
        QueueStats stats,
        List<StaleJob> staleJobs,
        List<Job> longRunning,
        List<String> alerts,
        List<String> warnings,
        List<SourceStatus> sources) {

    public Diagnostics {
        sources = List.copyOf(sources);
        workers = List.copyOf(workers);
        staleJobs = List.copyOf(staleJobs);
        longRunning = List.copyOf(longRunning);
        alerts = List.copyOf(alerts);
        warnings = List.copyOf(warnings);
    }

    /** A snapshot without sources (the constructor of Docket versions before source flow control). */
    public Diagnostics(Instant now, List<WorkerStatus> workers, QueueStats stats, List<StaleJob> staleJobs,
            List<Job> longRunning, List<String> alerts, List<String> warnings) {
        this(now, workers, stats, staleJobs, longRunning, alerts, warnings, List.of());
    }

    /** A snapshot without warnings (the constructor of Docket versions before warnings existed). */
    public Diagnostics(Instant now, List<WorkerStatus> workers, QueueStats stats, List<StaleJob> staleJobs,
            List<Job> longRunning, List<String> alerts) {
        this(now, workers, stats, staleJobs, longRunning, alerts, List.of());
    }

    /**
     * A worker with derived liveness.
     *
     * @param info          the stored row
     * @param heartbeatAge  time since its last heartbeat
     * @param alive         heartbeat recent enough and not STOPPED
     */
    public record WorkerStatus(WorkerInfo info, Duration heartbeatAge, boolean alive) {
    }
}
