package dev.docket.queue.micrometer;

import java.util.Map;

/**
 * The names of Docket's meters, in one place, as resilience4j's {@code *MetricNames}. The names are
 * lowercase dotted Micrometer names; Prometheus turns {@code docket.jobs.failed} into
 * {@code docket_jobs_failed_total} and {@code docket.jobs.duration} into {@code docket_jobs_duration_seconds}.
 *
 * <p>Per runtime ({@link WorkerMetrics}): {@link #JOBS_IN_FLIGHT}, {@link #JOBS_CLAIMED},
 * {@link #JOBS_COMPLETED}, {@link #JOBS_FAILED}, {@link #JOBS_RETRIED}, {@link #JOBS_TIMED_OUT},
 * {@link #JOBS_RELEASED}, {@link #JOBS_THROTTLED}, {@link #JOBS_LEASE_LOST}, {@link #JOBS_RESET}, {@link #JOBS_DURATION},
 * {@link #JOBS_CLAIM_TO_START}, {@link #JOBS_PROGRESS}, {@link #JOBS_PROGRESS_STEPS}, {@link #EXTRACTOR_UP},
 * {@link #STORE_UP}.
 * Queue-wide ({@link QueueMetrics}): {@link #JOBS}, {@link #JOBS_OLDEST_PENDING_AGE},
 * {@link #WORKERS_HEARTBEAT_AGE}, and per document source {@link #SOURCE_CIRCUIT_STATE}, {@link #SOURCE_PAUSED},
 * {@link #SOURCE_BLOCKED}, {@link #SOURCE_JOBS}, {@link #SOURCE_RATE}.
 */
public final class DocketMetricNames {
    private DocketMetricNames() {
    }

    /** Gauge: jobs per {@code status}. Queue-wide. */
    public static final String JOBS = "docket.jobs";
    /** Time gauge: age of the oldest claimable PENDING job. Queue-wide. */
    public static final String JOBS_OLDEST_PENDING_AGE = "docket.jobs.oldest.pending.age";
    /** Time gauge: time since a worker's last heartbeat, per {@code worker}. Queue-wide. */
    public static final String WORKERS_HEARTBEAT_AGE = "docket.workers.heartbeat.age";

    /** Gauge per {@code source}: its circuit, 0 closed, 1 half-open (one probe runs), 2 open. Queue-wide. */
    public static final String SOURCE_CIRCUIT_STATE = "docket.source.circuit.state";
    /** Gauge per {@code source}: 1 while it is paused (by itself or all sources). Queue-wide. */
    public static final String SOURCE_PAUSED = "docket.source.paused";
    /** Gauge per {@code source}: 1 while it is blocked after the registry throttled a job. Queue-wide. */
    public static final String SOURCE_BLOCKED = "docket.source.blocked";
    /** Gauge: jobs per {@code source} and {@code status} (pending, processing). Queue-wide. */
    public static final String SOURCE_JOBS = "docket.source.jobs";
    /** Gauge per {@code source}: claims per second its rate limit allows now (0: no rate limit). Queue-wide. */
    public static final String SOURCE_RATE = "docket.source.rate.effective";

    /** Gauge: jobs this worker holds. */
    public static final String JOBS_IN_FLIGHT = "docket.jobs.in.flight";
    /** Counter: jobs claimed. */
    public static final String JOBS_CLAIMED = "docket.jobs.claimed";
    /** Counter: jobs completed. */
    public static final String JOBS_COMPLETED = "docket.jobs.completed";
    /** Counter: jobs failed for good. */
    public static final String JOBS_FAILED = "docket.jobs.failed";
    /** Counter: transient failures scheduled for another attempt. */
    public static final String JOBS_RETRIED = "docket.jobs.retried";
    /** Counter: jobs that ran past the job timeout. */
    public static final String JOBS_TIMED_OUT = "docket.jobs.timed.out";
    /** Counter: jobs given back without spending an attempt. */
    public static final String JOBS_RELEASED = "docket.jobs.released";
    /** Counter: jobs the registry throttled (back to PENDING without spending an attempt; source blocked). */
    public static final String JOBS_THROTTLED = "docket.jobs.throttled";
    /** Counter: claims whose lease this worker lost. */
    public static final String JOBS_LEASE_LOST = "docket.jobs.lease.lost";
    /** Counter: stale jobs this runtime's monitor reset. */
    public static final String JOBS_RESET = "docket.jobs.reset";
    /** Timer: extraction start to finishing write, by {@code outcome}. */
    public static final String JOBS_DURATION = "docket.jobs.duration";
    /** Timer: claim to extraction start. */
    public static final String JOBS_CLAIM_TO_START = "docket.jobs.claim.to.start";
    /** Gauge: 1 when the extractor is ready. */
    public static final String EXTRACTOR_UP = "docket.extractor.up";
    /** Gauge: mean progress (0-1) of the jobs in flight that reported progress. */
    public static final String JOBS_PROGRESS = "docket.jobs.progress";
    /** Counter: progress steps reached, by {@code step} (bounded). */
    public static final String JOBS_PROGRESS_STEPS = "docket.jobs.progress.steps";
    /** Gauge: 1 unless the store is unreachable. */
    public static final String STORE_UP = "docket.store.up";
    /** Prefix of the gauges of the extractor's figures (memory, slots, defunct processes). */
    public static final String EXTRACTOR_FIGURES = "docket.extractor";

    /** Descriptions of the job counters, by name. */
    static final Map<String, String> COUNTER_DESCRIPTIONS = Map.ofEntries(
            Map.entry(JOBS_CLAIMED, "Jobs claimed by this worker"),
            Map.entry(JOBS_COMPLETED, "Jobs completed by this worker"),
            Map.entry(JOBS_FAILED, "Jobs failed for good (permanent error or attempts exhausted)"),
            Map.entry(JOBS_RETRIED, "Transient failures scheduled for another attempt"),
            Map.entry(JOBS_TIMED_OUT, "Jobs aborted after running past the job timeout"),
            Map.entry(JOBS_RELEASED, "Jobs given back without spending an attempt (shutdown, extractor failure)"),
            Map.entry(JOBS_THROTTLED, "Jobs the registry throttled (429/503, Retry-After): back to PENDING without"
                    + " spending an attempt, their source blocked fleet-wide"),
            Map.entry(JOBS_LEASE_LOST, "Claims whose lease this worker lost; their results were discarded"),
            Map.entry(JOBS_RESET, "Stale jobs taken from dead owners by this runtime's monitor"));
}
