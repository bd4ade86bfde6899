package dev.docket.examples;

import dev.docket.queue.Extractor;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.micrometer.DocketMetrics;
import dev.docket.queue.micrometer.QueueMetrics;
import dev.docket.queue.micrometer.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Wiring Docket's metrics (the README's Metrics snippets): {@link WorkerMetrics} per runtime, as its
 * listener, and {@link QueueMetrics} once per queue, so N hosts do not export N copies of the queue counts.
 */
public final class MetricsExample {
    private MetricsExample() {
    }

    /** Starts a runtime whose events are published to {@code meterRegistry}; call once per runtime. */
    public static WorkerRuntime start(JobStore store, Extractor extractor, MeterRegistry meterRegistry) {
        WorkerConfig config = WorkerConfig.fromEnvironment();
        WorkerMetrics workerMetrics = WorkerMetrics.builder().build();
        workerMetrics.bindTo(meterRegistry);   // Spring Boot: expose it as a MeterBinder bean
        WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(config).listener(workerMetrics).start();
        return runtime;
    }

    /** Publishes the queue-wide gauges to {@code meterRegistry}; call once per queue (application or fleet). */
    public static QueueMetrics bindQueueMetrics(JobStore store, MeterRegistry meterRegistry) {
        QueueMetrics queueMetrics = QueueMetrics.builder(store).build();
        queueMetrics.bindTo(meterRegistry);   // one host (or a scheduler) per queue, not every worker
        return queueMetrics;
    }

    /**
     * The 0.1 wiring through the deprecated {@code DocketMetrics} facade (both scopes on every host).
     *
     * @deprecated kept only while README.md still shows this snippet; use {@link #start} and
     *     {@link #bindQueueMetrics}
     */
    @Deprecated
    @SuppressWarnings("removal")
    static WorkerRuntime startWithDocketMetrics(JobStore store, Extractor extractor, MeterRegistry meterRegistry) {
        WorkerConfig config = WorkerConfig.fromEnvironment();
        DocketMetrics metrics = DocketMetrics.builder(store).workerId(config.workerId()).build();
        metrics.bindTo(meterRegistry);
        WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(config).listener(metrics).start();
        return runtime;
    }
}
