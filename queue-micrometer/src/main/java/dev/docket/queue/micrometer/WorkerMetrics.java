package dev.docket.queue.micrometer;

import static dev.docket.queue.micrometer.DocketMetricNames.COUNTER_DESCRIPTIONS;
import static dev.docket.queue.micrometer.DocketMetricNames.EXTRACTOR_UP;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_CLAIMED;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_CLAIM_TO_START;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_COMPLETED;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_DURATION;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_FAILED;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_IN_FLIGHT;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_LEASE_LOST;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_RELEASED;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_RESET;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_RETRIED;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_THROTTLED;
import static dev.docket.queue.micrometer.DocketMetricNames.JOBS_TIMED_OUT;
import static dev.docket.queue.micrometer.DocketMetricNames.STORE_UP;

import dev.docket.queue.Job;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters for one {@link dev.docket.queue.WorkerRuntime}: a {@link WorkerListener} that
 * counts what the runtime does, and a {@link MeterBinder} that registers those meters. Create one per
 * runtime (as HikariCP creates one {@code MicrometerMetricsTracker} per pool); the queue-wide figures
 * read from the store are {@link QueueMetrics}, bound once per queue, not once per runtime.
 *
 * <pre>{@code
 * WorkerConfig config = WorkerConfig.fromEnvironment();
 * WorkerMetrics workerMetrics = WorkerMetrics.builder().build();
 * workerMetrics.bindTo(meterRegistry);
 * WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(config).listener(workerMetrics).start();
 * }</pre>
 *
 * <h2>Meters</h2>
 * Tag {@code worker} when {@link Builder#workerId(String)} was given (prefer the registry's common tags,
 * such as {@code host} or {@code instance}, which stay the same across restarts: the default worker id
 * changes at every start); tag {@code source}, the job's document source, unless
 * {@link Builder#sourceTag(boolean) sourceTag(false)}. The {@code source} tag is bounded: the first
 * {@link Builder#maxSources(int) maxSources} (default {@value #DEFAULT_MAX_SOURCES}) distinct sources keep
 * their name, cut to {@value #MAX_SOURCE_LENGTH} characters with control characters replaced by {@code _};
 * jobs of any further source are counted with {@code source=}{@value #OTHER_SOURCE} (logged once at
 * WARN), so a free-text field cannot create an unbounded number of time series:
 * <ul>
 *   <li>{@value DocketMetricNames#JOBS_CLAIMED}, {@value DocketMetricNames#JOBS_COMPLETED},
 *       {@value DocketMetricNames#JOBS_FAILED} (for good), {@value DocketMetricNames#JOBS_RETRIED}
 *       (transient failure, another attempt scheduled), {@value DocketMetricNames#JOBS_TIMED_OUT},
 *       {@value DocketMetricNames#JOBS_RELEASED} (given back without spending an attempt),
 *       {@value DocketMetricNames#JOBS_THROTTLED} (the registry asked to slow down: back to PENDING, its source
 *       blocked fleet-wide),
 *       {@value DocketMetricNames#JOBS_RESET} (taken from a dead owner by this runtime's stale-job
 *       monitor): counters with {@code worker, source};</li>
 *   <li>{@value DocketMetricNames#JOBS_LEASE_LOST}: counter with {@code worker} only (the event carries no job);</li>
 *   <li>{@value DocketMetricNames#JOBS_IN_FLIGHT}: gauge, jobs claimed and not yet finished;</li>
 *   <li>{@value DocketMetricNames#JOBS_DURATION}: timer from extraction start to the finishing write, tags
 *       {@code worker, source, outcome=completed|failed};</li>
 *   <li>{@value DocketMetricNames#JOBS_CLAIM_TO_START}: timer from claim to extraction start (slot wait);</li>
 *   <li>{@value DocketMetricNames#JOBS_PROGRESS}: gauge, mean progress (0-1) of the jobs in flight that reported
 *       any; {@value DocketMetricNames#JOBS_PROGRESS_STEPS}: counter of progress steps, tag {@code step} (the first
 *       32 step names, then {@code other});</li>
 *   <li>{@value DocketMetricNames#EXTRACTOR_UP}: gauge, 1 when the extractor is ready, 0 before it first
 *       is and while it is down;</li>
 *   <li>{@value DocketMetricNames#STORE_UP}: gauge, 0 while this runtime cannot reach the store;</li>
 *   <li>{@value DocketMetricNames#EXTRACTOR_FIGURES}{@code .*}: one gauge per figure the extractor reports in its
 *       health ({@link dev.docket.queue.ExtractorHealth#figures()}; the Playwright extractor: memory limit, in use,
 *       per browser and per slot, slots, defunct processes). The figure name follows the prefix; a figure ending in
 *       {@code .bytes} has base unit bytes; a numeric part becomes a tag named after the part before it
 *       ({@code memory.browser.0.bytes}: gauge {@code docket.extractor.memory.browser}, tag {@code browser=0}).
 *       A figure no longer reported reads NaN.</li>
 * </ul>
 * No meter has a base unit except the times (seconds).
 *
 * <p>Thread-safe: listener methods may be called from any runtime thread; {@link #bindTo} may be
 * called for several registries. Counters are counted from construction, so events before
 * {@code bindTo} are not lost; timers record only once bound. Listener methods never throw.
 */
public final class WorkerMetrics implements WorkerListener, MeterBinder {
    /** Default for {@link Builder#maxSources(int)}: distinct {@code source} tag values besides {@value #OTHER_SOURCE}. */
    public static final int DEFAULT_MAX_SOURCES = 50;
    /** Largest value of {@link Builder#maxSources(int)}. */
    public static final int MAX_MAX_SOURCES = 10_000;
    /** The {@code source} tag of jobs whose source came after the first {@link Builder#maxSources(int)} ones. */
    public static final String OTHER_SOURCE = "other";
    /** Longest {@code source} tag value; longer sources are cut. */
    public static final int MAX_SOURCE_LENGTH = 64;

    private static final List<String> SOURCELESS_COUNTERS = List.of(JOBS_LEASE_LOST);

    private final Tags workerTags;
    private final boolean sourceTag;
    private final SourceTags sourceTags;

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final WorkerCounters counters;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger extractorUp = new AtomicInteger(0);
    private final AtomicInteger storeUp = new AtomicInteger(1);
    private final ExtractorFigureGauges figures;
    private final ProgressMeters progress = new ProgressMeters();

    private WorkerMetrics(Builder b) {
        this.workerTags = b.workerId == null ? b.tags : b.tags.and("worker", b.workerId);
        this.sourceTag = b.sourceTag;
        this.sourceTags = new SourceTags(b.maxSources, "WorkerMetrics");
        this.counters = new WorkerCounters(workerTags);
        this.figures = new ExtractorFigureGauges(workerTags);
    }

    /** A builder for the meters of one runtime. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ MeterBinder

    /** Registers this runtime's meters with {@code registry}. May be called for several registries. */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (registries.contains(registry)) {
            return;
        }
        registries.add(registry);
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
        counters.bindTo(registry);
        for (String name : SOURCELESS_COUNTERS) {
            counters.counter(name, null);
        }
        if (!sourceTag) {
            for (String name : COUNTER_DESCRIPTIONS.keySet()) {
                counters.counter(name, null);
            }
        }
        claimToStartTimer(registry);
        figures.bindTo(registry);
        progress.bindTo(registry, workerTags, inFlight);
    }

    // ------------------------------------------------------------------ WorkerListener

    @Override
    public void onClaimed(Job job) {
        inFlight.add(job.id());
        extractorUp.set(1); // nothing is claimed while the extractor is not ready
        count(JOBS_CLAIMED, job);
    }

    @Override
    public void onProgress(Job job, String step, double fraction) {
        progress.record(job.id(), step, fraction);
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
    public void onThrottled(Job job, String why, Duration retryAfter) {
        inFlight.remove(job.id());
        count(JOBS_THROTTLED, job);
    }

    @Override
    public void onLeaseLost(long jobId, String reason) {
        inFlight.remove(jobId);
        counters.counter(JOBS_LEASE_LOST, null).increment();
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
    public void onExtractorHealth(dev.docket.queue.ExtractorHealth health) {
        figures.update(health);
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
        counters.counter(name, sourceTag ? sourceTagOf(job) : null).increment();
    }

    /** The bounded {@code source} tag value of a job (see {@link SourceTags}). */
    String sourceTagOf(Job job) {
        return sourceTags.of(job.documentSource());
    }

    /** A source as a tag value (see {@link SourceTags#sanitise(String)}). */
    static String sanitiseSource(String source) {
        return SourceTags.sanitise(source);
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

    /**
     * Builds {@link WorkerMetrics}; {@link #build()} validates. Not thread-safe.
     */
    public static final class Builder {
        private String workerId;
        private Tags tags = Tags.empty();
        private boolean sourceTag = true;
        private int maxSources = DEFAULT_MAX_SOURCES;

        private Builder() {
        }

        /**
         * Tags every meter with {@code worker=<id>}; pass the runtime's
         * {@link dev.docket.queue.WorkerConfig#workerId()} when it is stable across restarts (the
         * default worker id is not: prefer the registry's common tags then). Default: no worker tag.
         *
         * @param workerId the tag value, not blank
         * @return this builder
         */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        /**
         * Adds a tag to every meter (e.g. {@code queue=docket} when one registry watches several schemas).
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
         * Adds tags to every meter.
         *
         * @param tags the tags
         * @return this builder
         */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(tags);
            return this;
        }

        /**
         * Whether job counters and the duration timer carry the job's {@code source} tag; default true.
         * Each source is a time series per meter, so at most {@link #maxSources(int)} of them are named;
         * turn the tag off when per-source figures are not wanted at all.
         *
         * @param sourceTag whether to tag by source
         * @return this builder
         */
        public Builder sourceTag(boolean sourceTag) {
            this.sourceTag = sourceTag;
            return this;
        }

        /**
         * How many distinct {@code source} tag values the metrics create: the first {@code maxSources}
         * sources seen keep their (sanitised) name, jobs of any later source are tagged
         * {@code source=}{@value WorkerMetrics#OTHER_SOURCE}, so a flood of sources cannot flood the
         * registry; default {@value WorkerMetrics#DEFAULT_MAX_SOURCES}, 1-{@value WorkerMetrics#MAX_MAX_SOURCES}.
         *
         * @param maxSources the limit
         * @return this builder
         */
        public Builder maxSources(int maxSources) {
            this.maxSources = maxSources;
            return this;
        }

        /**
         * Builds the metrics.
         *
         * @return new metrics, counting from now
         * @throws IllegalArgumentException naming the bad setting and its value
         */
        public WorkerMetrics build() {
            if (maxSources < 1 || maxSources > MAX_MAX_SOURCES) {
                throw new IllegalArgumentException("maxSources must be 1-" + MAX_MAX_SOURCES + " but was " + maxSources);
            }
            if (workerId != null && workerId.isBlank()) {
                throw new IllegalArgumentException("workerId must not be blank but was '" + workerId + "'");
            }
            return new WorkerMetrics(this);
        }
    }
}
