package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Document;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.micrometer.DocketMetricNames;
import dev.docket.queue.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsExampleTest {

    @Test
    void completedJobsShowUpInTheRegistry() throws Exception {
        InMemoryJobStore store = new InMemoryJobStore();
        store.enqueue(NewJob.of("registry-a", "1"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MetricsExample.bindQueueMetrics(store, registry);
        try (WorkerRuntime runtime = MetricsExample.start(store, (job, ctx) -> Document.of(new byte[] {1}, "application/pdf"),
                registry)) {
            Await.until("jobs reach their state", () -> store.stats().count(JobStatus.COMPLETED) == 1
                    && registry.find(DocketMetricNames.JOBS_COMPLETED).functionCounter() != null
                    && registry.find(DocketMetricNames.JOBS_COMPLETED).functionCounter().count() == 1.0);
            assertThat(runtime.completedCount()).isEqualTo(1);
            assertThat(registry.get(DocketMetricNames.JOBS).tag("status", "completed").gauge().value()).isEqualTo(1.0);
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedFacadeStillPublishesBothScopes() throws Exception {
        InMemoryJobStore store = new InMemoryJobStore();
        store.enqueue(NewJob.of("registry-a", "1"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (WorkerRuntime runtime = MetricsExample.startWithDocketMetrics(store,
                (job, ctx) -> Document.of(new byte[] {1}, "application/pdf"), registry)) {
            Await.until("jobs reach their state", () -> store.stats().count(JobStatus.COMPLETED) == 1
                    && registry.find(DocketMetricNames.JOBS_COMPLETED).functionCounter() != null
                    && registry.find(DocketMetricNames.JOBS_COMPLETED).functionCounter().count() == 1.0);
            assertThat(runtime.completedCount()).isEqualTo(1);
            assertThat(registry.find(DocketMetricNames.JOBS).gauges()).hasSize(5);
        }
    }
}
