package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DocketMetrics registered on a real WorkerRuntime: the runtime's events reach the meters. */
class DocketMetricsRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void aRuntimeReportsItsJobsThroughTheListener() {
        InMemoryJobStore store = new InMemoryJobStore();
        WorkerConfig config = WorkerConfig.builder().workerId("w-rt").concurrency(2)
                .pollInterval(Duration.ofMillis(20)).build();
        DocketMetrics metrics = DocketMetrics.builder(store).workerId(config.workerId())
                .refreshInterval(Duration.ofMillis(1)).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
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
            Await.until("the listener saw all three finish", () -> registry.find(DocketMetrics.JOBS_DURATION)
                    .timers().stream().mapToLong(t -> t.count()).sum() == 3);

            assertThat(registry.get(DocketMetrics.JOBS_COMPLETED).tags("worker", "w-rt", "source", "A")
                    .functionCounter().count()).isEqualTo(2.0);
            assertThat(registry.get(DocketMetrics.JOBS_FAILED).tags("worker", "w-rt", "source", "B")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get(DocketMetrics.JOBS_CLAIMED).functionCounters().stream()
                    .mapToDouble(c -> c.count()).sum()).isEqualTo(3.0);
            assertThat(registry.get(DocketMetrics.JOBS_CLAIM_TO_START).timer().count()).isEqualTo(3);
            assertThat(registry.get(DocketMetrics.JOBS_IN_FLIGHT).gauge().value()).isZero();
            assertThat(registry.get(DocketMetrics.EXTRACTOR_UP).tag("worker", "w-rt").gauge().value())
                    .as("the runtime announces a ready extractor on first start").isEqualTo(1.0);
            assertThat(registry.get(DocketMetrics.JOBS).tag("status", "completed").gauge().value()).isEqualTo(2.0);
            assertThat(registry.get(DocketMetrics.WORKERS_HEARTBEAT_AGE).tag("worker", "w-rt").gauge().value())
                    .isGreaterThanOrEqualTo(0.0).isLessThan(TimeUnit.MINUTES.toSeconds(1));
        }
    }
}
