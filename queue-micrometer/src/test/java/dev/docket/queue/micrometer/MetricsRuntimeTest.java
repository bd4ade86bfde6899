package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.testing.Await;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WorkerMetrics and QueueMetrics registered on real WorkerRuntimes: the runtimes' events reach the meters. */
class MetricsRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void aRuntimeReportsItsJobsThroughTheListener() {
        InMemoryJobStore store = new InMemoryJobStore();
        WorkerConfig config = WorkerConfig.builder().workerId("w-rt").concurrency(2)
                .pollInterval(Duration.ofMillis(20)).build();
        WorkerMetrics metrics = WorkerMetrics.builder().workerId(config.workerId()).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        QueueMetrics.builder(store).refreshInterval(Duration.ofMillis(1)).build().bindTo(registry);
        Extractor extractor = (job, ctx) -> {
            if (job.documentNumber().equals("missing")) {
                throw ExtractionException.permanent("document " + job.documentNumber() + " does not exist");
            }
            return Document.of("pdf".getBytes(StandardCharsets.UTF_8), "application/pdf");
        };
        store.enqueue(NewJob.of("A", "1"));
        store.enqueue(NewJob.of("A", "2"));
        store.enqueue(NewJob.of("B", "missing"));

        try (WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(config).listener(metrics)
                .documentSink(new FileSystemDocumentSink(dir)).start()) {
            Await.until("three jobs finished", () -> store.stats().count(JobStatus.COMPLETED) == 2
                    && store.stats().count(JobStatus.FAILED) == 1);
            Await.until("the listener saw all three finish", () -> registry.find(DocketMetricNames.JOBS_DURATION)
                    .timers().stream().mapToLong(t -> t.count()).sum() == 3);

            assertThat(registry.get(DocketMetricNames.JOBS_COMPLETED).tags("worker", "w-rt", "source", "A")
                    .functionCounter().count()).isEqualTo(2.0);
            assertThat(registry.get(DocketMetricNames.JOBS_FAILED).tags("worker", "w-rt", "source", "B")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get(DocketMetricNames.JOBS_CLAIMED).functionCounters().stream()
                    .mapToDouble(c -> c.count()).sum()).isEqualTo(3.0);
            assertThat(registry.get(DocketMetricNames.JOBS_CLAIM_TO_START).timer().count()).isEqualTo(3);
            assertThat(registry.get(DocketMetricNames.JOBS_IN_FLIGHT).gauge().value()).isZero();
            assertThat(registry.get(DocketMetricNames.EXTRACTOR_UP).tag("worker", "w-rt").gauge().value())
                    .as("the runtime announces a ready extractor on first start").isEqualTo(1.0);
            assertThat(registry.get(DocketMetricNames.JOBS).tag("status", "completed").gauge().value()).isEqualTo(2.0);
            assertThat(registry.get(DocketMetricNames.WORKERS_HEARTBEAT_AGE).tag("worker", "w-rt").gauge().value())
                    .isGreaterThanOrEqualTo(0.0).isLessThan(TimeUnit.MINUTES.toSeconds(1));
        }
    }

    @Test
    void twoRuntimesOnOneQueueExportOneCopyOfTheQueueGaugesAndEachItsOwnCounters() {
        InMemoryJobStore store = new InMemoryJobStore();
        for (int i = 0; i < 4; i++) {
            store.enqueue(NewJob.of("A", "n" + i));
        }
        SimpleMeterRegistry host1 = new SimpleMeterRegistry();
        SimpleMeterRegistry host2 = new SimpleMeterRegistry();
        WorkerMetrics m1 = WorkerMetrics.builder().build();
        WorkerMetrics m2 = WorkerMetrics.builder().build();
        m1.bindTo(host1);
        m2.bindTo(host2);
        QueueMetrics.builder(store).refreshInterval(Duration.ofMillis(1)).build().bindTo(host1); // once per queue
        Extractor extractor = (job, ctx) -> Document.of("pdf".getBytes(StandardCharsets.UTF_8), "application/pdf");
        WorkerConfig c1 = WorkerConfig.builder().workerId("h-1").pollInterval(Duration.ofMillis(20)).build();
        WorkerConfig c2 = WorkerConfig.builder().workerId("h-2").pollInterval(Duration.ofMillis(20)).build();

        try (WorkerRuntime r1 = WorkerRuntime.builder(store, extractor).config(c1).listener(m1)
                        .documentSink(new FileSystemDocumentSink(dir.resolve("1"))).start();
                WorkerRuntime r2 = WorkerRuntime.builder(store, extractor).config(c2).listener(m2)
                        .documentSink(new FileSystemDocumentSink(dir.resolve("2"))).start()) {
            Await.until("four jobs completed", () -> store.stats().count(JobStatus.COMPLETED) == 4);
            Await.until("both listeners saw their completions", () -> completed(host1) + completed(host2) == 4);

            assertThat(completed(host1)).isEqualTo((double) r1.completedCount());
            assertThat(completed(host2)).isEqualTo((double) r2.completedCount());
            double exported = 0;
            for (SimpleMeterRegistry host : java.util.List.of(host1, host2)) {
                exported += host.find(DocketMetricNames.JOBS).tag("status", "completed").gauges().stream()
                        .mapToDouble(g -> g.value()).sum();
            }
            assertThat(exported).as("sum(docket_jobs{status=completed}) over the fleet").isEqualTo(4.0);
            assertThat(host2.find(DocketMetricNames.JOBS).gauges()).isEmpty();
        }
    }

    static double completed(SimpleMeterRegistry registry) {
        return registry.find(DocketMetricNames.JOBS_COMPLETED).functionCounters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
