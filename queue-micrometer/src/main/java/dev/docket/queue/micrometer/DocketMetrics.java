package dev.docket.queue.micrometer;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.JobStore;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer metrics for a Docket worker: a {@link WorkerListener} that counts what its
 * {@link dev.docket.queue.WorkerRuntime} does, and a {@link MeterBinder} that also reports the
 * queue's figures read from the {@link JobStore}.
 *
 * <pre>{@code
 * WorkerConfig config = WorkerConfig.fromEnvironment();
 * DocketMetrics metrics = DocketMetrics.builder(store).workerId(config.workerId()).build();
 * metrics.bindTo(meterRegistry);                       // before the runtime starts
 * WorkerRuntime runtime = WorkerRuntime.builder(store, extractor)
 *         .config(config).listener(metrics).start();
 * }</pre>
 *
 * <h2>Meters</h2>
 * Per worker (tag {@code worker} when {@link Builder#workerId(String)} was given; tag {@code source},
 * the job's document source, unless {@link Builder#sourceTag(boolean) sourceTag(false)}). The
 * {@code source} tag is bounded: the first {@link Builder#maxSources(int) maxSources} (default
 * {@value #DEFAULT_MAX_SOURCES}) distinct sources keep their name, cut to {@value #MAX_SOURCE_LENGTH}
 * characters with control characters replaced by {@code _}; jobs of any further source are counted with
 * {@code source=}{@value #OTHER_SOURCE} (logged once at WARN), so a free-text field cannot create an
 * unbounded number of time series:
 * <ul>
 *   <li>{@value #JOBS_CLAIMED}, {@value #JOBS_COMPLETED}, {@value #JOBS_FAILED} (for good),
 *       {@value #JOBS_RETRIED} (transient failure, another attempt scheduled), {@value #JOBS_TIMED_OUT},
 *       {@value #JOBS_RELEASED} (given back without spending an attempt), {@value #JOBS_RESET} (taken
 *       from a dead owner by this runtime's stale-job monitor): counters with {@code worker, source};</li>
 *   <li>{@value #JOBS_LEASE_LOST}: counter with {@code worker} only (the event carries no job);</li>
 *   <li>{@value #JOBS_IN_FLIGHT}: gauge, jobs claimed and not yet finished;</li>
 *   <li>{@value #JOBS_DURATION}: timer from extraction start to the finishing write, tags
 *       {@code worker, source, outcome=completed|failed};</li>
 *   <li>{@value #JOBS_CLAIM_TO_START}: timer from claim to extraction start (slot wait);</li>
 *   <li>{@value #EXTRACTOR_UP}: gauge, 1 when the extractor is ready, 0 before it first is and
 *       while it is down;</li>
 *   <li>{@value #STORE_UP}: gauge, 0 while this runtime cannot reach the store.</li>
 * </ul>
 * Queue-wide, read from {@link JobStore#stats()} and {@link JobStore#workers()} at most once per
 * {@link Builder#refreshInterval(Duration) refresh interval} (default {@value #DEFAULT_REFRESH_SECONDS} s),
 * on the thread that reads a gauge (so a scrape never costs more than two store queries):
 * <ul>
 *   <li>{@value #JOBS}: gauge per {@code status} (pending, processing, completed, failed, cancelled);</li>
 *   <li>{@value #JOBS_OLDEST_PENDING_AGE}: age of the oldest claimable PENDING job, 0 when none;</li>
 *   <li>{@value DocketMetrics#WORKERS_HEARTBEAT_AGE}: per {@code worker} known to the store (not STOPPED, heard of
 *       within the {@link Builder#workerWindow(Duration) worker window}), time since its last
 *       heartbeat: alert when it exceeds 2 minutes.</li>
 * </ul>
 * No meter has a base unit except the times (seconds), so Prometheus names are
 * {@code docket_jobs{status=...}}, {@code docket_jobs_failed_total}, {@code docket_workers_heartbeat_age_seconds}.
 * Before the first successful read the queue-wide gauges are NaN; when a read fails the last figures
 * are kept (and the failure logged once per outage).
 *
 * <p>Thread-safe: listener methods may be called from any runtime thread; {@link #bindTo} may be
 * called for several registries. Counters are counted from construction, so events before
 * {@code bindTo} are not lost; timers record only once bound. Listener methods never throw.
 */
public final class DocketMetrics implements WorkerListener, MeterBinder {
    private static final Logger log = LoggerFactory.getLogger(DocketMetrics.class);

    /** Default for {@link Builder#refreshInterval(Duration)}, in seconds. */
    public static final long DEFAULT_REFRESH_SECONDS = 5;
    /** Default for {@link Builder#refreshInterval(Duration)}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(DEFAULT_REFRESH_SECONDS);
    /** Default for {@link Builder#workerWindow(Duration)}. */
    public static final Duration DEFAULT_WORKER_WINDOW = Duration.ofHours(1);
    /** Default for {@link Builder#maxSources(int)}: distinct {@code source} tag values besides {@value #OTHER_SOURCE}. */
    public static final int DEFAULT_MAX_SOURCES = 50;
    /** Largest value of {@link Builder#maxSources(int)}. */
    public static final int MAX_MAX_SOURCES = 10_000;
    /** The {@code source} tag of jobs whose source came after the first {@link Builder#maxSources(int)} ones. */
    public static final String OTHER_SOURCE = "other";
    /** Longest {@code source} tag value; longer sources are cut. */
    public static final int MAX_SOURCE_LENGTH = 64;

    /** Gauge: jobs per {@code status}. */
    public static final String JOBS = "docket.jobs";
    /** Time gauge: age of the oldest claimable PENDING job. */
    public static final String JOBS_OLDEST_PENDING_AGE = "docket.jobs.oldest.pending.age";
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
    /** Counter: claims whose lease this worker lost. */
    public static final String JOBS_LEASE_LOST = "docket.jobs.lease.lost";
    /** Counter: stale jobs this runtime's monitor reset. */
    public static final String JOBS_RESET = "docket.jobs.reset";
    /** Timer: extraction start to finishing write, by {@code outcome}. */
    public static final String JOBS_DURATION = "docket.jobs.duration";
    /** Timer: claim to extraction start. */
    public static final String JOBS_CLAIM_TO_START = "docket.jobs.claim.to.start";
    /** Time gauge: time since a worker's last heartbeat, per {@code worker}. */
    public static final String WORKERS_HEARTBEAT_AGE = "docket.workers.heartbeat.age";
    /** Gauge: 1 when the extractor is ready. */
    public static final String EXTRACTOR_UP = "docket.extractor.up";
    /** Gauge: 1 unless the store is unreachable. */
    public static final String STORE_UP = "docket.store.up";

    private static final List<String> SOURCELESS_COUNTERS = List.of(JOBS_LEASE_LOST);
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry(JOBS_CLAIMED, "Jobs claimed by this worker"),
            Map.entry(JOBS_COMPLETED, "Jobs completed by this worker"),
            Map.entry(JOBS_FAILED, "Jobs failed for good (permanent error or attempts exhausted)"),
            Map.entry(JOBS_RETRIED, "Transient failures scheduled for another attempt"),
            Map.entry(JOBS_TIMED_OUT, "Jobs aborted after running past the job timeout"),
            Map.entry(JOBS_RELEASED, "Jobs given back without spending an attempt (shutdown, extractor failure)"),
            Map.entry(JOBS_LEASE_LOST, "Claims whose lease this worker lost; their results were discarded"),
            Map.entry(JOBS_RESET, "Stale jobs taken from dead owners by this runtime's monitor"));

    private final JobStore store;
    private final Tags commonTags;
    private final Tags workerTags;
    private final boolean sourceTag;
    private final int maxSources;
    /** The source tag values in use (at most maxSources; OTHER_SOURCE is not counted). */
    private final Set<String> sourceValues = ConcurrentHashMap.newKeySet();
    private volatile boolean sourcesFull;
    private final Duration refreshInterval;
    private final Duration workerWindow;
    private final Clock clock;

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final List<MultiGauge> heartbeatGauges = new CopyOnWriteArrayList<>();
    private final Map<CounterKey, LongAdder> counters = new ConcurrentHashMap<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger extractorUp = new AtomicInteger(0);
    private final AtomicInteger storeUp = new AtomicInteger(1);

    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt;
    private boolean failing; // guarded by refreshLock

    private DocketMetrics(Builder b) {
        this.store = b.store;
        this.commonTags = b.tags;
        this.workerTags = b.workerId == null ? b.tags : b.tags.and("worker", b.workerId);
        this.sourceTag = b.sourceTag;
        this.maxSources = b.maxSources;
        this.refreshInterval = b.refreshInterval;
        this.workerWindow = b.workerWindow;
        this.clock = b.clock;
    }

    /**
     * A builder for metrics over {@code store} (the store the runtime uses).
     *
     * @throws NullPointerException when {@code store} is null
     */
    public static Builder builder(JobStore store) {
        return new Builder(store);
    }

    // ------------------------------------------------------------------ MeterBinder

    /** Registers every meter with {@code registry}. May be called for several registries. */
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
        TimeGauge.builder(JOBS_OLDEST_PENDING_AGE, this, TimeUnit.SECONDS, DocketMetrics::oldestPendingAgeSeconds)
                .tags(commonTags)
                .description("Age of the oldest claimable PENDING job (0 when none)")
                .strongReference(true)
                .register(registry);
        heartbeatGauges.add(MultiGauge.builder(WORKERS_HEARTBEAT_AGE)
                .tags(commonTags)
                .description("Time since each live worker's last heartbeat, by the store's clock")
                .baseUnit("seconds")
                .register(registry));
        Gauge.builder(JOBS_IN_FLIGHT, inFlight, Set::size)
                .tags(workerTags).description("Jobs this worker holds (claimed, not finished)")
                .strongReference(true)
                .register(registry);
        Gauge.builder(EXTRACTOR_UP, extractorUp, AtomicInteger::get)
                .tags(workerTags).description("1 when the extractor is ready, else 0")
                .strongReference(true)
                .register(registry);
        Gauge.builder(STORE_UP, storeUp, AtomicInteger::get)
                .tags(workerTags).description("1 unless this worker cannot reach the job store")
                .strongReference(true)
                .register(registry);
        // counters created before this registry was bound; counters created from here on register
        // themselves with every bound registry (so each one is registered exactly once per registry)
        counters.forEach((k, a) -> registerCounter(registry, k, a));
        for (String name : SOURCELESS_COUNTERS) {
            counter(name, null);
        }
        if (!sourceTag) {
            for (String name : DESCRIPTIONS.keySet()) {
                counter(name, null);
            }
        }
        claimToStartTimer(registry);
        Snapshot s = snapshot;
        if (s != null) {
            updateHeartbeatRows(s);
        }
    }

    // ------------------------------------------------------------------ WorkerListener

    @Override
    public void onClaimed(Job job) {
        inFlight.add(job.id());
        extractorUp.set(1); // nothing is claimed while the extractor is not ready
        count(JOBS_CLAIMED, job);
    }

    @Override
    public void onStarted(Job job, Duration waited) {
        for (MeterRegistry r : registries) {
            claimToStartTimer(r).record(waited);
        }
    }

    @Override
    public void onCompleted(Job job, StoredDocument document, Duration took) {
        inFlight.remove(job.id());
        count(JOBS_COMPLETED, job);
        recordDuration(job, "completed", took);
    }

    @Override
    public void onFailed(Job job, String error, Duration took) {
        inFlight.remove(job.id());
        count(JOBS_FAILED, job);
        recordDuration(job, "failed", took);
    }

    @Override
    public void onRetryScheduled(Job job, String error, Duration delay) {
        inFlight.remove(job.id());
        count(JOBS_RETRIED, job);
    }

    @Override
    public void onTimedOut(Job job, Duration timeout) {
        count(JOBS_TIMED_OUT, job);
    }

    @Override
    public void onReleased(Job job, String reason) {
        inFlight.remove(job.id());
        count(JOBS_RELEASED, job);
    }

    @Override
    public void onLeaseLost(long jobId, String reason) {
        inFlight.remove(jobId);
        counter(JOBS_LEASE_LOST, null).increment();
    }

    @Override
    public void onReset(Job job, StaleDecision decision, String reason) {
        count(JOBS_RESET, job);
    }

    @Override
    public void onExtractorDown(String reason, Throwable error) {
        extractorUp.set(0);
    }

    @Override
    public void onExtractorUp() {
        extractorUp.set(1);
    }

    @Override
    public void onStoreUnavailable(Throwable error) {
        storeUp.set(0);
    }

    @Override
    public void onStoreRecovered(Duration outage) {
        storeUp.set(1);
    }

    // ------------------------------------------------------------------ counters and timers

    private void count(String name, Job job) {
        counter(name, sourceTag ? sourceTagOf(job) : null).increment();
    }

    /**
     * The {@code source} tag value of a job: its sanitised source while fewer than {@code maxSources}
     * values are in use or when the value is already in use, else {@value #OTHER_SOURCE}.
     */
    String sourceTagOf(Job job) {
        String value = sanitiseSource(job.documentSource());
        if (sourceValues.contains(value)) {
            return value;
        }
        synchronized (sourceValues) {
            if (sourceValues.contains(value)) {
                return value;
            }
            if (sourceValues.size() < maxSources) {
                sourceValues.add(value);
                return value;
            }
        }
        if (!sourcesFull) {
            sourcesFull = true;
            log.warn("docket metrics: more than {} distinct document sources; jobs of further sources are counted"
                    + " with source={} (raise DocketMetrics.Builder.maxSources or turn the tag off with sourceTag(false))",
                    maxSources, OTHER_SOURCE);
        }
        return OTHER_SOURCE;
    }

    /**
     * A source as a tag value: control, format and unassigned characters become {@code _}, surrounding
     * blanks are removed, at most {@value #MAX_SOURCE_LENGTH} characters (a surrogate pair is never
     * split); {@code unknown} when nothing is left.
     */
    static String sanitiseSource(String source) {
        if (source == null) {
            return "unknown";
        }
        String trimmed = source.strip();
        StringBuilder b = new StringBuilder(Math.min(trimmed.length(), MAX_SOURCE_LENGTH));
        int i = 0;
        while (i < trimmed.length()) {
            int cp = trimmed.codePointAt(i);
            int n = Character.charCount(cp);
            if (b.length() + n > MAX_SOURCE_LENGTH) {
                break;
            }
            int type = Character.getType(cp);
            boolean bad = type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.SURROGATE || type == Character.PRIVATE_USE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            if (bad) {
                b.append('_');
            } else {
                b.appendCodePoint(cp);
            }
            i += n;
        }
        String out = b.toString().strip();
        return out.isEmpty() ? "unknown" : out;
    }

    private LongAdder counter(String name, String source) {
        CounterKey key = new CounterKey(name, source);
        LongAdder a = counters.get(key);
        return a != null ? a : newCounter(key);
    }

    private synchronized LongAdder newCounter(CounterKey key) {
        LongAdder a = counters.get(key);
        if (a == null) {
            a = new LongAdder();
            counters.put(key, a);
            for (MeterRegistry r : registries) {
                registerCounter(r, key, a);
            }
        }
        return a;
    }

    private void registerCounter(MeterRegistry registry, CounterKey key, LongAdder adder) {
        FunctionCounter.builder(key.name, adder, LongAdder::doubleValue)
                .tags(key.source == null ? workerTags : workerTags.and("source", key.source))
                .description(DESCRIPTIONS.get(key.name))
                .register(registry);
    }

    private Timer claimToStartTimer(MeterRegistry registry) {
        return Timer.builder(JOBS_CLAIM_TO_START)
                .tags(workerTags)
                .description("Time from claim to extraction start (waiting for a free slot)")
                .register(registry);
    }

    private void recordDuration(Job job, String outcome, Duration took) {
        if (took == null || registries.isEmpty()) {
            return;
        }
        Tags tags = workerTags.and("outcome", outcome);
        if (sourceTag) {
            tags = tags.and("source", sourceTagOf(job));
        }
        for (MeterRegistry r : registries) {
            Timer.builder(JOBS_DURATION)
                    .tags(tags)
                    .description("Time from extraction start to the finishing write")
                    .register(r)
                    .record(took);
        }
    }

    // ------------------------------------------------------------------ store figures

    private double count(JobStatus status) {
        Snapshot s = fresh();
        return s == null ? Double.NaN : s.stats.count(status);
    }

    private double oldestPendingAgeSeconds() {
        Snapshot s = fresh();
        if (s == null) {
            return Double.NaN;
        }
        Instant oldest = s.stats.oldestPendingAt();
        return oldest == null ? 0.0 : seconds(s.ageOf(oldest, clock.instant()));
    }

    private double heartbeatAgeSeconds(String workerId) {
        Snapshot s = fresh();
        if (s == null) {
            return Double.NaN;
        }
        for (WorkerInfo w : s.workers) {
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
            s = new Snapshot(store.stats(), store.workers(), now);
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
    }

    private void updateHeartbeatRows(Snapshot s) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (WorkerInfo w : s.workers) {
            if (w.state() == WorkerState.STOPPED || w.lastHeartbeat() == null) {
                continue;
            }
            if (Duration.between(w.lastHeartbeat(), s.stats.now()).compareTo(workerWindow) > 0) {
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
    static final class Snapshot {
        final QueueStats stats;
        final List<WorkerInfo> workers;
        final Instant readAt;

        Snapshot(QueueStats stats, List<WorkerInfo> workers, Instant readAt) {
            this.stats = stats;
            this.workers = List.copyOf(workers);
            this.readAt = readAt;
        }

        /** Age of a store timestamp now: its age at the read plus the time since the read. */
        Duration ageOf(Instant storeTime, Instant now) {
            Duration sinceRead = Duration.between(readAt, now);
            return Duration.between(storeTime, stats.now()).plus(sinceRead.isNegative() ? Duration.ZERO : sinceRead);
        }
    }

    private static final class CounterKey {
        final String name;
        final String source;

        CounterKey(String name, String source) {
            this.name = name;
            this.source = source;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof CounterKey)) {
                return false;
            }
            CounterKey k = (CounterKey) o;
            return name.equals(k.name) && Objects.equals(source, k.source);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Objects.hashCode(source);
        }
    }

    /**
     * Builds {@link DocketMetrics}; {@link #build()} validates. Not thread-safe.
     */
    public static final class Builder {
        private final JobStore store;
        private String workerId;
        private Tags tags = Tags.empty();
        private boolean sourceTag = true;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration workerWindow = DEFAULT_WORKER_WINDOW;
        private int maxSources = DEFAULT_MAX_SOURCES;
        private Clock clock = Clock.systemUTC();

        private Builder(JobStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Tags the per-worker meters with {@code worker=<id>}; pass the runtime's
         * {@link dev.docket.queue.WorkerConfig#workerId()}. Default: no worker tag.
         */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        /** Adds a tag to every meter (e.g. {@code queue=docket} when one registry watches several schemas). */
        public Builder tag(String key, String value) {
            this.tags = this.tags.and(key, value);
            return this;
        }

        /** Adds tags to every meter. */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(tags);
            return this;
        }

        /**
         * Whether job counters and the duration timer carry the job's {@code source} tag; default true.
         * Each source is a time series per meter, so at most {@link #maxSources(int)} of them are named;
         * turn the tag off when per-source figures are not wanted at all.
         */
        public Builder sourceTag(boolean sourceTag) {
            this.sourceTag = sourceTag;
            return this;
        }

        /**
         * How many distinct {@code source} tag values the metrics create: the first {@code maxSources}
         * sources seen keep their (sanitised) name, jobs of any later source are tagged
         * {@code source=}{@value DocketMetrics#OTHER_SOURCE}, so a flood of sources cannot flood the
         * registry; default {@value DocketMetrics#DEFAULT_MAX_SOURCES}, 1-{@value DocketMetrics#MAX_MAX_SOURCES}.
         */
        public Builder maxSources(int maxSources) {
            this.maxSources = maxSources;
            return this;
        }

        /** How long store figures are reused before the store is read again; default 5 s, must be > 0. */
        public Builder refreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
            return this;
        }

        /**
         * Workers whose last heartbeat is older than this are left out of {@value DocketMetrics#WORKERS_HEARTBEAT_AGE}
         * (a crashed worker's row stays in the store; its series stops after this); default 1 h, must be > 0.
         */
        public Builder workerWindow(Duration workerWindow) {
            this.workerWindow = workerWindow;
            return this;
        }

        /** The clock measuring the refresh interval and the time since a read; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the bad setting and its value
         */
        public DocketMetrics build() {
            requirePositive("refreshInterval", refreshInterval);
            requirePositive("workerWindow", workerWindow);
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            if (maxSources < 1 || maxSources > MAX_MAX_SOURCES) {
                throw new IllegalArgumentException("maxSources must be 1-" + MAX_MAX_SOURCES + " but was " + maxSources);
            }
            if (workerId != null && workerId.isBlank()) {
                throw new IllegalArgumentException("workerId must not be blank but was '" + workerId + "'");
            }
            return new DocketMetrics(this);
        }

        private static void requirePositive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
        }
    }
}
