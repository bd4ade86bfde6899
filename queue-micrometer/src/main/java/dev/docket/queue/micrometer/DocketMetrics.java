package dev.docket.queue.micrometer;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Both scopes of Docket's metrics in one object: the per-runtime {@link WorkerMetrics} and the queue-wide
 * {@link QueueMetrics}, bound together. Kept so that 0.1 code compiles; the meter names and tags are
 * unchanged.
 *
 * @deprecated One {@code DocketMetrics} per runtime makes every host export the queue-wide gauges, so
 *     N hosts export N copies of {@code docket.jobs{status}}. Bind a {@link WorkerMetrics} per runtime
 *     (as its listener) and a {@link QueueMetrics} once per queue instead:
 *     <pre>{@code
 *     WorkerMetrics workerMetrics = WorkerMetrics.builder().build();      // per runtime
 *     workerMetrics.bindTo(meterRegistry);
 *     WorkerRuntime.builder(store, extractor).listener(workerMetrics).start();
 *     QueueMetrics.builder(store).build().bindTo(meterRegistry);        // once per queue
 *     }</pre>
 *     Builder settings move as: {@code workerId}, {@code sourceTag}, {@code maxSources} to
 *     {@link WorkerMetrics.Builder}; {@code refreshInterval}, {@code workerWindow}, {@code clock} to
 *     {@link QueueMetrics.Builder}; {@code tag}/{@code tags} to both. The constants are in
 *     {@link DocketMetricNames}, {@link WorkerMetrics} and {@link QueueMetrics}.
 */
@Deprecated(since = "0.2.0", forRemoval = true)
public final class DocketMetrics implements WorkerListener, io.micrometer.core.instrument.binder.MeterBinder {
    /** Same as {@link QueueMetrics#DEFAULT_REFRESH_SECONDS}. */
    public static final long DEFAULT_REFRESH_SECONDS = QueueMetrics.DEFAULT_REFRESH_SECONDS;
    /** Same as {@link QueueMetrics#DEFAULT_REFRESH_INTERVAL}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = QueueMetrics.DEFAULT_REFRESH_INTERVAL;
    /** Same as {@link QueueMetrics#DEFAULT_WORKER_WINDOW}. */
    public static final Duration DEFAULT_WORKER_WINDOW = QueueMetrics.DEFAULT_WORKER_WINDOW;
    /** Same as {@link WorkerMetrics#DEFAULT_MAX_SOURCES}. */
    public static final int DEFAULT_MAX_SOURCES = WorkerMetrics.DEFAULT_MAX_SOURCES;
    /** Same as {@link WorkerMetrics#MAX_MAX_SOURCES}. */
    public static final int MAX_MAX_SOURCES = WorkerMetrics.MAX_MAX_SOURCES;
    /** Same as {@link WorkerMetrics#OTHER_SOURCE}. */
    public static final String OTHER_SOURCE = WorkerMetrics.OTHER_SOURCE;
    /** Same as {@link WorkerMetrics#MAX_SOURCE_LENGTH}. */
    public static final int MAX_SOURCE_LENGTH = WorkerMetrics.MAX_SOURCE_LENGTH;

    /** {@link DocketMetricNames#JOBS}. */
    public static final String JOBS = DocketMetricNames.JOBS;
    /** {@link DocketMetricNames#JOBS_OLDEST_PENDING_AGE}. */
    public static final String JOBS_OLDEST_PENDING_AGE = DocketMetricNames.JOBS_OLDEST_PENDING_AGE;
    /** {@link DocketMetricNames#JOBS_IN_FLIGHT}. */
    public static final String JOBS_IN_FLIGHT = DocketMetricNames.JOBS_IN_FLIGHT;
    /** {@link DocketMetricNames#JOBS_CLAIMED}. */
    public static final String JOBS_CLAIMED = DocketMetricNames.JOBS_CLAIMED;
    /** {@link DocketMetricNames#JOBS_COMPLETED}. */
    public static final String JOBS_COMPLETED = DocketMetricNames.JOBS_COMPLETED;
    /** {@link DocketMetricNames#JOBS_FAILED}. */
    public static final String JOBS_FAILED = DocketMetricNames.JOBS_FAILED;
    /** {@link DocketMetricNames#JOBS_RETRIED}. */
    public static final String JOBS_RETRIED = DocketMetricNames.JOBS_RETRIED;
    /** {@link DocketMetricNames#JOBS_TIMED_OUT}. */
    public static final String JOBS_TIMED_OUT = DocketMetricNames.JOBS_TIMED_OUT;
    /** {@link DocketMetricNames#JOBS_RELEASED}. */
    public static final String JOBS_RELEASED = DocketMetricNames.JOBS_RELEASED;
    /** {@link DocketMetricNames#JOBS_LEASE_LOST}. */
    public static final String JOBS_LEASE_LOST = DocketMetricNames.JOBS_LEASE_LOST;
    /** {@link DocketMetricNames#JOBS_RESET}. */
    public static final String JOBS_RESET = DocketMetricNames.JOBS_RESET;
    /** {@link DocketMetricNames#JOBS_DURATION}. */
    public static final String JOBS_DURATION = DocketMetricNames.JOBS_DURATION;
    /** {@link DocketMetricNames#JOBS_CLAIM_TO_START}. */
    public static final String JOBS_CLAIM_TO_START = DocketMetricNames.JOBS_CLAIM_TO_START;
    /** {@link DocketMetricNames#WORKERS_HEARTBEAT_AGE}. */
    public static final String WORKERS_HEARTBEAT_AGE = DocketMetricNames.WORKERS_HEARTBEAT_AGE;
    /** {@link DocketMetricNames#EXTRACTOR_UP}. */
    public static final String EXTRACTOR_UP = DocketMetricNames.EXTRACTOR_UP;
    /** {@link DocketMetricNames#STORE_UP}. */
    public static final String STORE_UP = DocketMetricNames.STORE_UP;

    private final WorkerMetrics worker;
    private final QueueMetrics queue;

    private DocketMetrics(WorkerMetrics worker, QueueMetrics queue) {
        this.worker = worker;
        this.queue = queue;
    }

    /**
     * A builder for both scopes over {@code store}.
     *
     * @param store the store the runtime uses
     * @return a new builder
     * @throws NullPointerException when {@code store} is null
     */
    public static Builder builder(JobStore store) {
        return new Builder(store);
    }

    /** @return the per-runtime half, which receives this object's listener events */
    public WorkerMetrics workerMetrics() {
        return worker;
    }

    /** @return the queue-wide half */
    public QueueMetrics queueMetrics() {
        return queue;
    }

    /** Binds both halves to {@code registry}. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        queue.bindTo(registry);
        worker.bindTo(registry);
    }

    @Override
    public void onClaimed(Job job) {
        worker.onClaimed(job);
    }

    @Override
    public void onStarted(Job job, Duration waited) {
        worker.onStarted(job, waited);
    }

    @Override
    public void onCompleted(Job job, StoredDocument document, Duration took) {
        worker.onCompleted(job, document, took);
    }

    @Override
    public void onFailed(Job job, String error, Duration took) {
        worker.onFailed(job, error, took);
    }

    @Override
    public void onRetryScheduled(Job job, String error, Duration delay) {
        worker.onRetryScheduled(job, error, delay);
    }

    @Override
    public void onTimedOut(Job job, Duration timeout) {
        worker.onTimedOut(job, timeout);
    }

    @Override
    public void onReleased(Job job, String reason) {
        worker.onReleased(job, reason);
    }

    @Override
    public void onThrottled(Job job, String why, Duration retryAfter) {
        worker.onThrottled(job, why, retryAfter);
    }

    @Override
    public void onLeaseLost(long jobId, String reason) {
        worker.onLeaseLost(jobId, reason);
    }

    @Override
    public void onReset(Job job, StaleDecision decision, String reason) {
        worker.onReset(job, decision, reason);
    }

    @Override
    public void onExtractorDown(String reason, Throwable error) {
        worker.onExtractorDown(reason, error);
    }

    @Override
    public void onExtractorUp() {
        worker.onExtractorUp();
    }

    @Override
    public void onStoreUnavailable(Throwable error) {
        worker.onStoreUnavailable(error);
    }

    @Override
    public void onStoreRecovered(Duration outage) {
        worker.onStoreRecovered(outage);
    }

    /**
     * Builds {@link DocketMetrics}: each setting goes to the half it belongs to. Not thread-safe.
     *
     * @deprecated use {@link WorkerMetrics#builder()} and {@link QueueMetrics#builder(JobStore)}
     */
    @Deprecated(since = "0.2.0", forRemoval = true)
    public static final class Builder {
        private final WorkerMetrics.Builder worker = WorkerMetrics.builder();
        private final QueueMetrics.Builder queue;

        private Builder(JobStore store) {
            this.queue = QueueMetrics.builder(store);
        }

        /**
         * See {@link WorkerMetrics.Builder#workerId(String)}.
         *
         * @param workerId the worker tag value
         * @return this builder
         */
        public Builder workerId(String workerId) {
            worker.workerId(workerId);
            return this;
        }

        /**
         * Adds a tag to every meter of both halves.
         *
         * @param key the tag key
         * @param value the tag value
         * @return this builder
         */
        public Builder tag(String key, String value) {
            worker.tag(key, value);
            queue.tag(key, value);
            return this;
        }

        /**
         * Adds tags to every meter of both halves.
         *
         * @param tags the tags
         * @return this builder
         */
        public Builder tags(Iterable<Tag> tags) {
            worker.tags(tags);
            queue.tags(tags);
            return this;
        }

        /**
         * See {@link WorkerMetrics.Builder#sourceTag(boolean)}.
         *
         * @param sourceTag whether to tag by source
         * @return this builder
         */
        public Builder sourceTag(boolean sourceTag) {
            worker.sourceTag(sourceTag);
            return this;
        }

        /**
         * See {@link WorkerMetrics.Builder#maxSources(int)}.
         *
         * @param maxSources the limit
         * @return this builder
         */
        public Builder maxSources(int maxSources) {
            worker.maxSources(maxSources);
            return this;
        }

        /**
         * See {@link QueueMetrics.Builder#refreshInterval(Duration)}.
         *
         * @param refreshInterval the interval
         * @return this builder
         */
        public Builder refreshInterval(Duration refreshInterval) {
            queue.refreshInterval(refreshInterval);
            return this;
        }

        /**
         * See {@link QueueMetrics.Builder#workerWindow(Duration)}.
         *
         * @param workerWindow the window
         * @return this builder
         */
        public Builder workerWindow(Duration workerWindow) {
            queue.workerWindow(workerWindow);
            return this;
        }

        /**
         * See {@link QueueMetrics.Builder#clock(Clock)}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            queue.clock(clock);
            return this;
        }

        /**
         * Builds both halves.
         *
         * @return the metrics
         * @throws IllegalArgumentException naming the bad setting and its value
         */
        public DocketMetrics build() {
            QueueMetrics q = queue.build();
            return new DocketMetrics(worker.build(), q);
        }
    }
}
