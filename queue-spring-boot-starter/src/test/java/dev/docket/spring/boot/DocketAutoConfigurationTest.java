package dev.docket.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.testing.Await;
import dev.docket.testing.RecordingWorkerListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each condition of the auto-configuration, without a database (InMemoryJobStore). */
class DocketAutoConfigurationTest {
    static final AutoConfigurations DOCKET = AutoConfigurations.of(DocketAutoConfiguration.class,
            DocketPlaywrightAutoConfiguration.class, DocketWorkerAutoConfiguration.class,
            DocketMetricsAutoConfiguration.class, DocketHealthAutoConfiguration.class,
            DocketEndpointAutoConfiguration.class);

    @TempDir
    Path documents;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(DOCKET)
                .withPropertyValues("docket.worker.poll-interval=20ms");
    }

    @Configuration(proxyBeanMethods = false)
    static class WithExtractor {
        @Bean
        Extractor extractor() {
            return (job, context) -> Document.of(("doc " + job.documentNumber()).getBytes(StandardCharsets.UTF_8),
                    "text/plain");
        }
    }

    @Test
    void withoutDataSourceTheStoreIsInMemoryAndAWarnSaysSo() {
        Logger logger = (Logger) LoggerFactory.getLogger(DocketAutoConfiguration.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            runner().run(context -> {
                assertThat(context).hasSingleBean(InMemoryJobStore.class).hasSingleBean(JobQueue.class)
                        .hasSingleBean(QueueAdmin.class);
                assertThat(appender.list).anySatisfy(e -> {
                    assertThat(e.getLevel().toString()).isEqualTo("WARN");
                    assertThat(e.getFormattedMessage()).contains("no DataSource").contains("InMemoryJobStore");
                });
            });
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void withoutExtractorThereIsNoWorkerButTheClientWorks() {
        runner().run(context -> {
            assertThat(context).doesNotHaveBean(DocketWorker.class).doesNotHaveBean(WorkerConfig.class);
            Job job = context.getBean(JobQueue.class).enqueue(NewJob.of("registry-a", "N-1"));
            assertThat(context.getBean(JobStore.class).find(job.id())).map(Job::status).contains(JobStatus.PENDING);
            assertThat(context.getBean(DocketHealthIndicator.class).health().getStatus().getCode()).isEqualTo("UP");
        });
    }

    @Test
    void workerDisabledMeansNoWorker() {
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("docket.worker.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DocketWorker.class));
    }

    @Test
    void anExtractorBeanGetsAWorkerThatDrainsTheQueue() {
        runner().withUserConfiguration(WithExtractor.class).withBean(DocumentSink.class,
                () -> new FileSystemDocumentSink(documents)).run(context -> {
                    assertThat(context).hasSingleBean(DocketWorker.class);
                    JobQueue queue = context.getBean(JobQueue.class);
                    Job job = queue.enqueue(NewJob.of("registry-a", "N-1"));
                    Await.until("job completed", () -> queue.find(job.id()).map(Job::status)
                            .orElseThrow() == JobStatus.COMPLETED);
                });
    }

    @Test
    void badPropertyValuesFailStartUpNamingTheProperty() {
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("docket.worker.concurrency=0")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("docket.worker.concurrency").hasMessageContaining("1-1000"));
        runner().withUserConfiguration(WithExtractor.class)
                .withPropertyValues("docket.worker.lease=5s", "docket.worker.heartbeat-interval=10s")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("docket.worker.heartbeat-interval")
                        .hasMessageContaining("must be shorter than docket.worker.lease"));
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("docket.worker.job-timeout=soon")
                .run(context -> assertThat(causes(context.getStartupFailure()))
                        .contains("Failed to bind properties under 'docket.worker.job-timeout'"));
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("docket.worker.worker-id=a b")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("docket.worker.worker-id"));
        runner().withPropertyValues("docket.actor= ")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("docket.actor"));
    }

    /** Every message of the cause chain (what Spring Boot's failure analyzers read). */
    static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
        }
        return b.toString();
    }

    @Test
    void theOldEnvironmentVariablesApplyWhereNoPropertyIsSet() {
        runner().withUserConfiguration(WithExtractor.class)
                .withPropertyValues("WORKER_CONCURRENCY=3", "EXTRACTION_TIMEOUT=90000", "DOCKET_LEASE=20000",
                        "docket.worker.lease=25s")
                .run(context -> {
                    WorkerConfig config = context.getBean(WorkerConfig.class);
                    assertThat(config.concurrency()).isEqualTo(3);
                    assertThat(config.jobTimeout()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(25)); // the property wins
                });
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("WORKER_CONCURRENCY=lots")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("WORKER_CONCURRENCY").hasMessageContaining("lots"));
    }

    @Test
    void prefetchComesFromItsPropertyOrDocketPrefetch() {
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("docket.worker.prefetch=30")
                .run(context -> assertThat(context.getBean(WorkerConfig.class).prefetch()).isEqualTo(30));
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("DOCKET_PREFETCH=12")
                .run(context -> assertThat(context.getBean(WorkerConfig.class).prefetch()).isEqualTo(12));
        runner().withUserConfiguration(WithExtractor.class).withPropertyValues("docket.worker.prefetch=-1")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("docket.worker.prefetch").hasMessageContaining("-1"));
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomBeans {
        final AtomicInteger staleChecks = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();

        @Bean
        Extractor failingOnce() {
            return (job, context) -> {
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("first attempt fails");
                }
                return Document.of("doc".getBytes(StandardCharsets.UTF_8), "text/plain");
            };
        }

        @Bean
        JobStore myStore() {
            return new InMemoryJobStore();
        }

        @Bean
        JobQueue myQueue(JobStore store) {
            return JobQueue.builder(store).actor("my-app").build();
        }

        @Bean
        WorkerConfig myConfig() {
            return WorkerConfig.builder().concurrency(2).workerId("custom-worker").pollInterval(Duration.ofMillis(20))
                    .staleCheckInterval(Duration.ofMillis(20)).build();
        }

        @Bean
        RecordingWorkerListener listener() {
            return new RecordingWorkerListener();
        }

        @Bean
        RetryPolicy retryAtOnce() {
            // the default policy would wait 5 s before the second attempt
            return RetryPolicy.exponential(Duration.ZERO, Duration.ZERO, 0);
        }

        @Bean
        StaleJobPolicy countingStalePolicy() {
            StaleJobPolicy base = StaleJobPolicy.leaseExpired();
            return new StaleJobPolicy() {
                @Override
                public dev.docket.queue.StaleCriteria criteria() {
                    staleChecks.incrementAndGet();
                    return base.criteria();
                }

                @Override
                public dev.docket.queue.StaleDecision decide(dev.docket.queue.StaleJob stale) {
                    return base.decide(stale);
                }
            };
        }
    }

    @Test
    void theApplicationsOwnBeansWinAndArePickedUp() {
        runner().withUserConfiguration(CustomBeans.class)
                .withBean(DocumentSink.class, () -> new FileSystemDocumentSink(documents))
                .run(context -> {
                    assertThat(context).doesNotHaveBean(InMemoryJobStore.class.getName())
                            .hasSingleBean(JobStore.class).hasSingleBean(JobQueue.class);
                    assertThat(context.getBean(JobQueue.class)).isSameAs(context.getBean("myQueue"));
                    DocketWorker worker = context.getBean(DocketWorker.class);
                    assertThat(worker.config().workerId()).isEqualTo("custom-worker");
                    JobQueue queue = context.getBean(JobQueue.class);
                    queue.enqueue(NewJob.of("registry-a", "N-1"));
                    RecordingWorkerListener events = context.getBean(RecordingWorkerListener.class);
                    events.awaitCount(RecordingWorkerListener.Kind.COMPLETED, 1);
                    assertThat(events.count(RecordingWorkerListener.Kind.RETRY_SCHEDULED)).isEqualTo(1);
                    assertThat(events.events(RecordingWorkerListener.Kind.COMPLETED).get(0).detail())
                            .startsWith(documents.toUri().toString());
                    CustomBeans beans = context.getBean(CustomBeans.class);
                    Await.until("the stale-job monitor asked the policy", () -> beans.staleChecks.get() > 0);
                });
    }
}
