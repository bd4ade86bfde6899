package dev.docket.examples;

import dev.docket.queue.Extractor;
import dev.docket.queue.JobStore;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.micrometer.DocketMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/** Wiring {@link DocketMetrics} into a runtime and a Micrometer registry (the README's Metrics snippet). */
public final class MetricsExample {
    private MetricsExample() {
    }

    /** Starts a runtime whose events and store figures are published to {@code meterRegistry}. */
    public static WorkerRuntime start(JobStore store, Extractor extractor, MeterRegistry meterRegistry) {
        WorkerConfig config = WorkerConfig.fromEnvironment();
        DocketMetrics metrics = DocketMetrics.builder(store).workerId(config.workerId()).build();
        metrics.bindTo(meterRegistry);   // Spring Boot: expose it as a MeterBinder bean
        WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(config).listener(metrics).start();
        return runtime;
    }
}
