package dev.docket.queue.micrometer;

import static dev.docket.queue.micrometer.DocketMetricNames.JOBS;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_OLDEST_PENDING_AGE;
import static dev.docket.queue.micrometer.DocketMetricNames.WORKERS_HEARTBEAT_AGE;

import dev.docket.queue.JobStatus;
import dev.docket.queue.micrometer.QueueSourceGauges.SourceFigures;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.QueueStats;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer gauges over a whole queue, read from a {@link JobStore}: jobs by status, the age of the
 * oldest pending job and the heartbeat age of every live worker. These figures are the same whichever
 * host reads them, so <b>bind one {@code QueueMetrics} per queue</b> (per application or fleet: a
 * scheduler, the host that runs the admin endpoints, or one elected instance), not one per runtime:
 * N hosts that each bind it export N copies of {@code docket.jobs{status}} and {@code sum()} over them
 * counts every job N times. When every host must bind it anyway (identical deployments), aggregate with
 * {@code max without(instance)} rather than {@code sum}. The per-runtime meters are {@link WorkerMetrics}.
 *
 * <pre>{@code
 * QueueMetrics queueMetrics = QueueMetrics.builder(store).build();
 * queueMetrics.bindTo(meterRegistry);
 * }</pre>
 *
 * <h2>Meters</h2>
 * Read from {@link JobStore#stats()} and {@link JobStore#workers()} at most once per
 * {@link Builder#refreshInterval(Duration) refresh interval} (default {@value #DEFAULT_REFRESH_SECONDS} s),
 * on the thread that reads a gauge (so a scrape never costs more than two store queries):
 * <ul>
 *   <li>{@value DocketMetricNames#JOBS}: gauge per {@code status} (pending, processing, completed, failed, cancelled);</li>
 *   <li>{@value DocketMetricNames#JOBS_OLDEST_PENDING_AGE}: age of the oldest claimable PENDING job, 0 when none;</li>
 *   <li>{@value DocketMetricNames#WORKERS_HEARTBEAT_AGE}: per {@code worker} known to the store (not STOPPED,
 *       heard of within the {@link Builder#workerWindow(Duration) worker window}), time since its last
 *       heartbeat: alert when it exceeds 2 minutes;</li>
 *   <li>per document {@code source}, read from {@link JobStore#sources()} (stores with source flow control;
 *       {@link Builder#sourceGauges(boolean) sourceGauges(false)} leaves them out):
 *       {@value DocketMetricNames#SOURCE_CIRCUIT_STATE} (0 closed, 1 half-open, 2 open: alert on 2 for more
 *       than 10 minutes), {@value DocketMetricNames#SOURCE_PAUSED} and {@value DocketMetricNames#SOURCE_BLOCKED}
 *       (1 while paused, or blocked after a throttling), {@value DocketMetricNames#SOURCE_JOBS} per
 *       {@code status} (pending, processing: the fleet-wide in-flight count its cap limits) and
 *       {@value DocketMetricNames#SOURCE_RATE} (claims per second allowed now, cut after throttling). The
 *       {@code source} tag is bounded like {@link WorkerMetrics}': the first {@link Builder#maxSources(int)
 *       maxSources} sources keep their name, the rest are summed into {@code source=}{@value
 *       WorkerMetrics#OTHER_SOURCE} (worst state, summed jobs).</li>
 * </ul>
 * The fleet-wide per-source claims and throttlings are {@link WorkerMetrics}' {@code docket.jobs.claimed} and
 * {@code docket.jobs.throttled} counters summed over the runtimes ({@code sum by (source)}).
 * Prometheus names are {@code docket_jobs{status=...}}, {@code docket_jobs_oldest_pending_age_seconds},
 * {@code docket_workers_heartbeat_age_seconds}. Before the first successful read the gauges are NaN;
 * when a read fails the last figures are kept (and the failure logged once per outage).
 *
 * <p>Thread-safe; {@link #bindTo} may be called for several registries. Reading a gauge never throws.
 */
public final class QueueMetrics implements MeterBinder {
    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

    /** Default for {@link Builder#refreshInterval(Duration)}, in seconds. */
    public static final long DEFAULT_REFRESH_SECONDS = 5;
    /** Default for {@link Builder#refreshInterval(Duration)}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(DEFAULT_REFRESH_SECONDS);
    /** Default for {@link Builder#workerWindow(Duration)}. */
    public static final Duration DEFAULT_WORKER_WINDOW = Duration.ofHours(1);

    private final JobStore store;
    private final Tags commonTags;
    private final Duration refreshInterval;
    private final Duration workerWindow;
    private final Clock clock;

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final List<MultiGauge> heartbeatGauges = new CopyOnWriteArrayList<>();
    private final boolean sourceGauges;
    private final SourceTags sourceTags;
    private final List<QueueSourceGauges> sourceGaugeSets = new CopyOnWriteArrayList<>();

    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt;
    private boolean failing; // guarded by refreshLock

    private QueueMetrics(Builder b) {
        this.store = b.store;
        this.commonTags = b.tags;
        this.refreshInterval = b.refreshInterval;
        this.workerWindow = b.workerWindow;
        this.clock = b.clock;
        this.sourceGauges = b.sourceGauges;
        this.sourceTags = new SourceTags(b.maxSources, "QueueMetrics");
    }

    /**
     * A builder for the gauges of the queue held by {@code store}.
     *
     * @param store the store the queue's runtimes use
     * @return a new builder
     * @throws NullPointerException when {@code store} is null
     */
    public static Builder builder(JobStore store) {
        return new Builder(store);
    }

    /** Registers the queue gauges with {@code registry}. May be called for several registries. */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder(JOBS, this, m -> m.count(s))
                    .tags(commonTags).tag("status", s.name().toLowerCase(Locale.ROOT))
                    .description("Jobs by status (status_id " + s.code() + ": " + s.name() + ")")
                    .strongReference(true)
                    .register(registry);
        }
        TimeGauge.builder(JOBS_OLDEST_PENDING_AGE, this, TimeUnit.SECONDS, QueueMetrics::oldestPendingAgeSeconds)
                .tags(commonTags)
                .description("Age of the oldest claimable PENDING job (0 when none)")
                .strongReference(true)
                .register(registry);
        heartbeatGauges.add(MultiGauge.builder(WORKERS_HEARTBEAT_AGE)
                .tags(commonTags)
                .description("Time since each live worker's last heartbeat, by the store's clock")
                .baseUnit("seconds")
                .register(registry));
        if (sourceGauges) {
            sourceGaugeSets.add(new QueueSourceGauges(registry, commonTags));
        }
        Snapshot s = snapshot;
        if (s != null) {
            updateHeartbeatRows(s);
            updateSourceRows(s);
        }
    }

    private double count(JobStatus status) {
        Snapshot s = fresh();
        return s == null ? Double.NaN : s.stats().count(status);
    }

    private double oldestPendingAgeSeconds() {
        Snapshot s = fresh();
        if (s == null) {
            return Double.NaN;
        }
        Instant oldest = s.stats().oldestPendingAt();
        return oldest == null ? 0.0 : seconds(s.ageOf(oldest, clock.instant()));
    }

    private double heartbeatAgeSeconds(String workerId) {
        Snapshot s = fresh();
        if (s == null) {
            return Double.NaN;
        }
        for (WorkerInfo w : s.workers()) {
            if (w.workerId().equals(workerId) && w.lastHeartbeat() != null) {
                return seconds(s.ageOf(w.lastHeartbeat(), clock.instant()));
            }
        }
        return Double.NaN;
    }

    /** The current figures, refreshed first when older than the refresh interval. Null before the first read. */
    Snapshot fresh() {
        Instant now = clock.instant();
        Instant last = lastAttempt;
        if (last != null && Duration.between(last, now).compareTo(refreshInterval) < 0) {
            return snapshot;
        }
        if (!refreshLock.tryLock()) {
            return snapshot; // another thread is reading the store right now
        }
        try {
            last = lastAttempt;
            if (last == null || Duration.between(last, now).compareTo(refreshInterval) >= 0) {
                lastAttempt = now;
                refresh(now);
            }
        } finally {
            refreshLock.unlock();
        }
        return snapshot;
    }

    private void refresh(Instant now) {
        Snapshot s;
        try {
            s = new Snapshot(store.stats(), List.copyOf(store.workers()), now,
                    sourceGauges ? QueueSourceGauges.read(store, sourceTags) : java.util.Map.of());
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("docket metrics: could not read queue figures from the store ({}); keeping the last ones",
                        e.toString());
            } else {
                log.debug("docket metrics: store still unreadable", e);
            }
            return;
        }
        if (failing) {
            failing = false;
            log.info("docket metrics: queue figures readable again");
        }
        snapshot = s;
        updateHeartbeatRows(s);
        updateSourceRows(s);
    }

    /** One figure of source tag {@code tag} (NaN before the first read or for an unknown tag). */
    double source(String tag, java.util.function.ToDoubleFunction<SourceFigures> f) {
        Snapshot s = fresh();
        SourceFigures figures = s == null ? null : s.sources().get(tag);
        return figures == null ? Double.NaN : f.applyAsDouble(figures);
    }

    private void updateSourceRows(Snapshot s) {
        for (QueueSourceGauges g : sourceGaugeSets) {
            g.update(s.sources().keySet(), this);
        }
    }

    private void updateHeartbeatRows(Snapshot s) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (WorkerInfo w : s.workers()) {
            if (w.state() == WorkerState.STOPPED || w.lastHeartbeat() == null) {
                continue;
            }
            if (Duration.between(w.lastHeartbeat(), s.stats().now()).compareTo(workerWindow) > 0) {
                continue;
            }
            String id = w.workerId();
            rows.add(MultiGauge.Row.of(Tags.of("worker", id), this, m -> m.heartbeatAgeSeconds(id)));
        }
        for (MultiGauge g : heartbeatGauges) {
            g.register(rows, true);
        }
    }

    private static double seconds(Duration d) {
        return d.isNegative() ? 0.0 : d.toNanos() / 1e9;
    }

    /** Store figures and when (by this object's clock) they were read. */
    record Snapshot(QueueStats stats, List<WorkerInfo> workers, Instant readAt,
            java.util.Map<String, SourceFigures> sources) {
        /** Age of a store timestamp now: its age at the read plus the time since the read. */
        Duration ageOf(Instant storeTime, Instant now) {
            Duration sinceRead = Duration.between(readAt, now);
            return Duration.between(storeTime, stats.now()).plus(sinceRead.isNegative() ? Duration.ZERO : sinceRead);
        }
    }

    /**
     * Builds {@link QueueMetrics}; {@link #build()} validates. Not thread-safe.
     */
    public static final class Builder {
        private final JobStore store;
        private Tags tags = Tags.empty();
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration workerWindow = DEFAULT_WORKER_WINDOW;
        private Clock clock = Clock.systemUTC();
        private boolean sourceGauges = true;
        private int maxSources = WorkerMetrics.DEFAULT_MAX_SOURCES;

        private Builder(JobStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Adds a tag to every gauge (e.g. {@code queue=docket} when one registry watches several schemas).
         *
         * @param key the tag key
         * @param value the tag value
         * @return this builder
         */
        public Builder tag(String key, String value) {
            this.tags = this.tags.and(key, value);
            return this;
        }

        /**
         * Adds tags to every gauge.
         *
         * @param tags the tags
         * @return this builder
         */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(tags);
            return this;
        }

        /**
         * How long store figures are reused before the store is read again; default 5 s, must be &gt; 0.
         *
         * @param refreshInterval the interval
         * @return this builder
         */
        public Builder refreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
            return this;
        }

        /**
         * Workers whose last heartbeat is older than this are left out of
         * {@value DocketMetricNames#WORKERS_HEARTBEAT_AGE} (a crashed worker's row stays in the store; its
         * series stops after this); default 1 h, must be &gt; 0.
         *
         * @param workerWindow the window
         * @return this builder
         */
        public Builder workerWindow(Duration workerWindow) {
            this.workerWindow = workerWindow;
            return this;
        }

        /**
         * The clock measuring the refresh interval and the time since a read; default UTC system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Whether to export the per-source gauges (one more store query per refresh: {@link JobStore#sources()},
         * which also computes each source's last hour); default true.
         *
         * @param sourceGauges whether to export them
         * @return this builder
         */
        public Builder sourceGauges(boolean sourceGauges) {
            this.sourceGauges = sourceGauges;
            return this;
        }

        /**
         * How many distinct {@code source} tag values the source gauges create (default
         * {@value WorkerMetrics#DEFAULT_MAX_SOURCES}, 1-{@value WorkerMetrics#MAX_MAX_SOURCES}); further sources
         * are summed into {@code source=}{@value WorkerMetrics#OTHER_SOURCE}.
         *
         * @param maxSources the limit
         * @return this builder
         */
        public Builder maxSources(int maxSources) {
            this.maxSources = maxSources;
            return this;
        }

        /**
         * Builds the gauges (nothing is read from the store until a gauge is).
         *
         * @return new queue metrics
         * @throws IllegalArgumentException naming the bad setting and its value
         */
        public QueueMetrics build() {
            requirePositive("refreshInterval", refreshInterval);
            requirePositive("workerWindow", workerWindow);
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            if (maxSources < 1 || maxSources > WorkerMetrics.MAX_MAX_SOURCES) {
                throw new IllegalArgumentException("maxSources must be 1-" + WorkerMetrics.MAX_MAX_SOURCES + " but was "
                        + maxSources);
            }
            return new QueueMetrics(this);
        }

        private static void requirePositive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
        }
    }
}
