package dev.docket.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Extractor;
import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobQueue;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import dev.docket.web.DocketDashboard;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A real Spring Boot application (auto-configuration, HikariCP, actuator, Micrometer) on PostgreSQL: the starter
 * migrates the schema, drains jobs, reports health, binds meters, and on context close (what SIGTERM's shutdown
 * hook does) releases running jobs without spending an attempt and marks the worker STOPPED before the DataSource
 * closes.
 */
class DocketPostgresApplicationTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.empty();

    @TempDir
    Path documents;

    /** What the application's extractor does, set by each test before it starts the application. */
    static final AtomicBoolean ready = new AtomicBoolean(true);
    static final AtomicBoolean block = new AtomicBoolean(false);
    static final AtomicInteger running = new AtomicInteger();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        DocumentSink sink(@Value("${test.documents}") Path dir) {
            return new FileSystemDocumentSink(dir);
        }

        @Bean
        Extractor extractor() {
            return new Extractor() {
                @Override
                public void start() {
                    if (!ready.get()) {
                        throw new IllegalStateException("chromium not found");
                    }
                }

                @Override
                public Document extract(Job job, ExtractionContext context) throws InterruptedException {
                    if (block.get()) {
                        running.incrementAndGet();
                        CountDownLatch never = new CountDownLatch(1);
                        context.onCancel(never::countDown);
                        never.await(); // until the runtime cancels it (shutdown)
                        throw new InterruptedException("cancelled");
                    }
                    return Document.of(("doc " + job.documentNumber()).getBytes(StandardCharsets.UTF_8), "text/plain");
                }

                @Override
                public ExtractorHealth health() {
                    return ready.get() ? ExtractorHealth.healthy() : ExtractorHealth.down("chromium not found");
                }
            };
        }
    }

    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    private ConfigurableApplicationContext start(String workerId, String... extra) {
        List<String> props = new ArrayList<>(List.of(
                "spring.datasource.url=" + db.jdbcUrl(),
                "spring.datasource.username=" + db.connectionProperties().getProperty("user", ""),
                "spring.datasource.password=" + db.connectionProperties().getProperty("password", ""),
                "spring.datasource.hikari.maximum-pool-size=6",
                "docket.schema=" + db.schema(), "docket.migrate=true",
                "docket.worker.worker-id=" + workerId, "docket.worker.concurrency=4",
                "docket.worker.poll-interval=50ms", "docket.worker.extractor-restart-backoff=50ms",
                "docket.metrics.refresh-interval=50ms",
                "test.documents=" + documents));
        props.addAll(List.of(extra));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties(props.toArray(String[]::new)).run();
        started.add(context);
        return context;
    }

    @AfterEach
    void stop() {
        started.forEach(ConfigurableApplicationContext::close);
        ready.set(true);
        block.set(false);
        running.set(0);
        db.truncate();
    }

    private static String health(ConfigurableApplicationContext context) {
        return context.getBean(HealthEndpoint.class).healthForPath("docket").getStatus().getCode();
    }

    @Test
    void sourcePoliciesAreWrittenOnceByAFleetAndTheDashboardServesEveryView() throws Exception {
        String[] config = {"docket.sources.registry-a.concurrency=2", "docket.sources.registry-a.rate=20/s",
                "docket.sources.default.breaker-failures=3", "docket.dashboard.enabled=true", "docket.dashboard.port=0"};
        ConfigurableApplicationContext first = start("app-policies-1", config);
        ConfigurableApplicationContext second = start("app-policies-2", config);
        JobQueue queue = second.getBean(JobQueue.class);
        assertThat(queue.sourcePolicy("registry-a")).contains(SourcePolicy.builder().concurrency(2)
                .rate(SourcePolicy.Rate.perSecond(20)).build());
        assertThat(queue.defaultSourcePolicy()).isEqualTo(SourcePolicy.builder().breaker(3).build());
        assertThat(queue.sourceHistory(null, 100)).filteredOn(e -> e.type() == SourceEvent.Type.POLICY_CHANGED)
                .extracting(SourceEvent::source, SourceEvent::actor)
                .containsExactlyInAnyOrder(tuple("registry-a", "spring-boot"), tuple(SourceEvent.ALL_SOURCES, "spring-boot"));

        queue.enqueue(NewJob.of("registry-a", "N-dash"));
        java.net.URI jobs = first.getBean(DocketDashboard.class).url().resolve("/jobs");
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(jobs).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200); // the job list reads the application's DataSource
        assertThat(page.body()).contains("N-dash");
    }

    @Test
    void drainsJobsWithHealthUpAndMetrics() {
        ConfigurableApplicationContext context = start("app-drain");
        PostgresJobStore store = context.getBean(PostgresJobStore.class);
        assertThat(store.schema()).isEqualTo(db.schema());
        JobQueue queue = context.getBean(JobQueue.class);
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            jobs.add(NewJob.of("registry-a", "N-" + i));
        }
        queue.enqueueAll(jobs);
        Await.until("30 jobs COMPLETED", () -> store.stats().count(JobStatus.COMPLETED) == 30);
        assertThat(store.isListening()).isTrue();
        // LISTEN has a connection of its own: the pool holds none for it
        com.zaxxer.hikari.HikariDataSource pool = context.getBean(com.zaxxer.hikari.HikariDataSource.class);
        Await.until("no pooled connection in use while idle", () -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
        Await.until("health UP", () -> health(context).equals("UP"));

        MeterRegistry registry = context.getBean(MeterRegistry.class);
        Await.until("completions counted", () -> registry.find("docket.jobs.completed").functionCounters().stream()
                .mapToDouble(c -> c.count()).sum() == 30.0);
        Await.until("queue-wide gauge", () -> registry.find("docket.jobs").tag("status", "completed").gauge() != null
                && registry.find("docket.jobs").tag("status", "completed").gauge().value() == 30.0);
        assertThat(registry.find("docket.store.up").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void degradedWhileTheExtractorCannotStartAndNothingIsClaimed() {
        ready.set(false);
        ConfigurableApplicationContext context = start("app-degraded");
        Job job = context.getBean(JobQueue.class).enqueue(NewJob.of("registry-a", "N-1"));
        Await.until("health OUT_OF_SERVICE", () -> health(context).equals("OUT_OF_SERVICE"));
        JobStore store = context.getBean(JobStore.class);
        assertThat(store.find(job.id()).orElseThrow()).satisfies(j -> {
            assertThat(j.status()).isEqualTo(JobStatus.PENDING);
            assertThat(j.attempts()).isZero();
        });
        ready.set(true);
        Await.until("completed once the extractor starts",
                () -> store.find(job.id()).orElseThrow().status() == JobStatus.COMPLETED);
        Await.until("health UP", () -> health(context).equals("UP"));
    }

    @Test
    void closingTheContextReleasesRunningJobsWithoutAnAttemptAndStopsTheWorker() {
        closeWhileJobsRun("app-close", "docket.worker.shutdown-grace-period=300ms");
    }

    @Test
    void theWorkerStopsBeforeTheDataSourceClosesEvenWhenTheShutdownPhaseTimesOutFirst() {
        // Spring gives up on the phase after 50 ms and goes on destroying beans: DocketWorker.destroy() still waits
        closeWhileJobsRun("app-slow-close", "docket.worker.shutdown-grace-period=1s",
                "spring.lifecycle.timeout-per-shutdown-phase=50ms");
    }

    private void closeWhileJobsRun(String workerId, String... properties) {
        block.set(true);
        ConfigurableApplicationContext context = start(workerId, properties);
        JobQueue queue = context.getBean(JobQueue.class);
        List<Job> jobs = queue.enqueueAll(List.of(NewJob.of("registry-a", "N-1"), NewJob.of("registry-a", "N-2"),
                NewJob.of("registry-a", "N-3")));
        Await.until("3 jobs running", () -> running.get() == 3);

        context.close(); // what the SIGTERM shutdown hook does

        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build()) {
            for (Job j : jobs) {
                Job after = store.find(j.id()).orElseThrow();
                assertThat(after.status()).isEqualTo(JobStatus.PENDING);
                assertThat(after.attempts()).isZero();
                assertThat(store.events(j.id())).extracting(e -> e.type()).contains(JobEventType.RELEASED);
            }
            WorkerInfo worker = store.workers().stream().filter(w -> w.workerId().equals(workerId)).findFirst()
                    .orElseThrow();
            assertThat(worker.state()).isEqualTo(WorkerState.STOPPED);
            assertThat(worker.inFlight()).isZero();
        }
    }
}
