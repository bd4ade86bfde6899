package dev.docket.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.extractor.playwright.RegistryFlow;
import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.Extractor;
import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.micrometer.QueueMetrics;
import dev.docket.queue.micrometer.WorkerMetrics;
import dev.docket.queue.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Health contributor, endpoint, Micrometer meters and the Playwright extractor, with an in-memory store. */
class DocketActuatorConfigurationTest {
    @TempDir
    Path documents;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(DocketAutoConfigurationTest.DOCKET)
                .withPropertyValues("docket.worker.poll-interval=20ms", "docket.worker.extractor-restart-backoff=20ms")
                .withBean(DocumentSink.class, () -> new FileSystemDocumentSink(documents));
    }

    private static Extractor extractor(AtomicBoolean ready) {
        return new Extractor() {
            @Override
            public void start() {
                if (!ready.get()) {
                    throw new IllegalStateException("browser not installed");
                }
            }

            @Override
            public Document extract(Job job, dev.docket.queue.ExtractionContext context) {
                return Document.of("doc".getBytes(StandardCharsets.UTF_8), "text/plain");
            }

            @Override
            public ExtractorHealth health() {
                return ready.get() ? ExtractorHealth.healthy() : ExtractorHealth.down("browser not installed");
            }
        };
    }

    @Test
    void healthIsDegradedWhileTheExtractorCannotStartThenUp() {
        AtomicBoolean ready = new AtomicBoolean(false);
        runner().withBean(Extractor.class, () -> extractor(ready)).run(context -> {
            DocketHealthIndicator health = context.getBean("docketHealthIndicator", DocketHealthIndicator.class);
            Await.until("OUT_OF_SERVICE with the reason", () -> health.health().getStatus().getCode()
                    .equals("OUT_OF_SERVICE") && String.valueOf(health.health().getDetails().get("reasons"))
                    .contains("browser not installed"));
            ready.set(true);
            Await.until("UP", () -> health.health().getStatus().getCode().equals("UP"));
            assertThat(health.health().getDetails()).containsEntry("state", "RUNNING").containsKey("store");
        });
    }

    @Test
    void theDegradedStatusCanBeACustomOne() {
        runner().withBean(Extractor.class, () -> extractor(new AtomicBoolean(false)))
                .withPropertyValues("docket.health.degraded-status=DEGRADED").run(context -> {
                    DocketHealthIndicator health = context.getBean(DocketHealthIndicator.class);
                    Await.until("DEGRADED", () -> health.health().getStatus().getCode().equals("DEGRADED"));
                });
    }

    @Test
    void healthIsDownOnceTheWorkerStopped() {
        runner().withBean(Extractor.class, () -> extractor(new AtomicBoolean(true))).run(context -> {
            DocketHealthIndicator health = context.getBean(DocketHealthIndicator.class);
            context.getBean(DocketWorker.class).stop();
            assertThat(health.health().getStatus().getCode()).isEqualTo("DOWN");
        });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() {
        runner().withPropertyValues("management.health.docket.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DocketHealthIndicator.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointShowsTheDiagnoseSnapshotWhenExposed() {
        runner().withPropertyValues("management.endpoints.web.exposure.include=docket").run(context -> {
            context.getBean(JobQueue.class).enqueue(NewJob.of("registry-a", "N-1"));
            Map<String, Object> snapshot = context.getBean(DocketEndpoint.class).diagnose();
            assertThat(snapshot).containsEntry("status", "OK").containsKeys("workers", "staleJobs", "alerts");
            Map<String, Object> counts = (Map<String, Object>) ((Map<String, Object>) snapshot.get("queue"))
                    .get("counts");
            assertThat(counts).containsEntry("PENDING", 1L);
        });
        runner().run(context -> assertThat(context).doesNotHaveBean(DocketEndpoint.class)); // not exposed
    }

    private ApplicationContextRunner withMetrics() {
        return runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
    }

    @Test
    void metersAreBoundWhenThereIsARegistry() {
        withMetrics().withBean(Extractor.class, () -> extractor(new AtomicBoolean(true))).run(context -> {
            assertThat(context).hasSingleBean(WorkerMetrics.class).hasSingleBean(QueueMetrics.class);
            Job job = context.getBean(JobQueue.class).enqueue(NewJob.of("registry-a", "N-1"));
            JobQueue queue = context.getBean(JobQueue.class);
            Await.until("completed", () -> queue.find(job.id()).map(Job::status).orElseThrow() == JobStatus.COMPLETED);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Await.until("counted", () -> registry.find("docket.jobs.completed").functionCounter() != null
                    && registry.find("docket.jobs.completed").functionCounter().count() == 1.0);
            assertThat(registry.find("docket.jobs").tag("status", "completed").gauge()).isNotNull();
            assertThat(registry.find("docket.extractor.up").gauge().value()).isEqualTo(1.0);
        });
    }

    @Test
    void queueGaugesCanBeLeftToAnotherApplicationAndNoWorkerMeansNoWorkerMeters() {
        withMetrics().withPropertyValues("docket.metrics.queue-gauges=false")
                .withBean(Extractor.class, () -> extractor(new AtomicBoolean(true)))
                .run(context -> assertThat(context).hasSingleBean(WorkerMetrics.class).doesNotHaveBean(QueueMetrics.class));
        withMetrics().run(context -> assertThat(context).doesNotHaveBean(WorkerMetrics.class)
                .hasSingleBean(QueueMetrics.class));
        runner().withBean(Extractor.class, () -> extractor(new AtomicBoolean(true)))
                .run(context -> assertThat(context).doesNotHaveBean(WorkerMetrics.class)
                        .doesNotHaveBean(QueueMetrics.class));
    }

    private static final RegistryFlow FLOW = (page, job, context) -> Document.of(new byte[] {1}, "application/pdf");

    @Test
    void registryFlowBeansGiveAPlaywrightExtractor() {
        runner().withBean("registryA", RegistryFlow.class, () -> FLOW)
                .withPropertyValues("docket.playwright.slots-per-browser=2", "docket.playwright.session-timeout=1m",
                        "docket.playwright.allowed-hosts.registry-a=cdn.example.org",
                        "SESSION_TIMEOUT=5000")
                .run(context -> {
                    PlaywrightExtractor extractor = context.getBean(PlaywrightExtractor.class);
                    assertThat(extractor.config().slotsPerBrowser()).isEqualTo(2);
                    assertThat(extractor.config().sessionTimeout()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(extractor.config().allowedHosts("registry-a")).contains("cdn.example.org");
                    assertThat(context).hasSingleBean(DocketWorker.class);
                    context.getBean(DocketWorker.class).stop(); // before its claim thread starts chromium for long
                });
    }

    @Test
    void severalFlowsNeedAMappingAndBadPlaywrightValuesNameTheProperty() {
        runner().withBean("a", RegistryFlow.class, () -> FLOW).withBean("b", RegistryFlow.class, () -> FLOW)
                .run(context -> assertThat(DocketAutoConfigurationTest.causes(context.getStartupFailure()))
                        .contains("docket.playwright.flows").contains("2 RegistryFlow beans"));
        runner().withBean("a", RegistryFlow.class, () -> FLOW).withBean("b", RegistryFlow.class, () -> FLOW)
                .withPropertyValues("docket.playwright.flows.registry-a=a", "docket.playwright.flows.registry-b=c")
                .run(context -> assertThat(DocketAutoConfigurationTest.causes(context.getStartupFailure()))
                        .contains("docket.playwright.flows.registry-b").contains("no RegistryFlow bean"));
        runner().withBean("a", RegistryFlow.class, () -> FLOW).withPropertyValues("docket.playwright.sandbox=maybe")
                .run(context -> assertThat(DocketAutoConfigurationTest.causes(context.getStartupFailure()))
                        .contains("docket.playwright.sandbox"));
        runner().withBean("a", RegistryFlow.class, () -> FLOW).withPropertyValues("docket.playwright.slots-per-browser=0")
                .run(context -> assertThat(DocketAutoConfigurationTest.causes(context.getStartupFailure()))
                        .contains("docket.playwright.slots-per-browser"));
    }
}
