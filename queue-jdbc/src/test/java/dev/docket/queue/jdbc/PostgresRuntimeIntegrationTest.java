package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerHealth;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import dev.docket.testing.RecordingWorkerListener;
import dev.docket.testing.RecordingWorkerListener.Kind;
import dev.docket.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * WorkerRuntimes on real PostgreSQL: several runtimes draining one queue, a worker process killed
 * with SIGKILL, and the database connection cut mid-run. A ledger keyed by (job id, lease token)
 * records every extraction that produced a document.
 */
class PostgresRuntimeIntegrationTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    final List<WorkerRuntime> runtimes = new ArrayList<>();
    final List<PostgresJobStore> stores = new ArrayList<>();
    /** (job id, lease token) of every extraction that returned a document. */
    final Set<String> ledger = ConcurrentHashMap.newKeySet();
    final RecordingWorkerListener events = new RecordingWorkerListener();

    @BeforeEach
    void clean() {
        db.truncate();
    }

    @AfterEach
    void stop() {
        runtimes.forEach(WorkerRuntime::close);
        stores.forEach(PostgresJobStore::close);
    }

    PostgresJobStore store(DataSource ds) {
        PostgresJobStore s = PostgresJobStore.builder(ds).schema(db.schema()).build();
        stores.add(s);
        return s;
    }

    Extractor recording(Duration work) {
        return (job, ctx) -> {
            if (!work.isZero()) {
                Thread.sleep(work.toMillis()); // simulated extraction work
            }
            assertThat(ledger.add(job.id() + "/" + job.leaseToken())).as("one extraction per claim").isTrue();
            return Document.of(("doc " + job.id()).getBytes(), "application/pdf");
        };
    }

    WorkerRuntime start(PostgresJobStore s, Extractor e, WorkerConfig config) {
        WorkerRuntime r = WorkerRuntime.builder(s, e).config(config)
                .documentSink(new dev.docket.queue.DocumentSink() {
                    @Override
                    public StoredDocument store(Job job, dev.docket.queue.Document doc) {
                        return new StoredDocument("mem:" + job.id(), "0", doc.size(), doc.contentType());
                    }

                    @Override
                    public void discard(Job job, StoredDocument document) {
                        // nothing stored
                    }
                })
                .listener(events)
                .start();
        runtimes.add(r);
        return r;
    }

    static List<NewJob> jobs(int n, String prefix) {
        List<NewJob> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(NewJob.of("registry", prefix + i));
        }
        return out;
    }

    @Test
    void severalRuntimesDrainThousandsOfJobsEachCompletedExactlyOnce() {
        PostgresJobStore admin = store(db.dataSource());
        int n = 3000;
        for (int i = 0; i < n; i += 500) {
            admin.enqueueAll(jobs(500, "b" + i + "-"));
        }
        for (int i = 0; i < 3; i++) {
            start(store(db.newDataSource(db.jdbcUrl(), 4, Duration.ofSeconds(10))), recording(Duration.ZERO),
                    WorkerConfig.builder().workerId("drain-" + i).concurrency(16).pollInterval(Duration.ofMillis(100)).build());
        }
        Await.until("all completed", Duration.ofMinutes(3), () -> admin.stats().count(JobStatus.COMPLETED) == n);
        QueueStats stats = admin.stats();
        assertThat(stats.count(JobStatus.PROCESSING)).isZero();
        assertThat(stats.count(JobStatus.PENDING)).isZero();
        // onCompleted runs after the finishing write committed: the last callbacks may trail the count
        Await.until("every completion reported", Duration.ofSeconds(30),
                () -> Set.copyOf(events.jobIds(Kind.COMPLETED)).size() >= n);
        assertThat(Set.copyOf(events.jobIds(Kind.COMPLETED))).hasSize(n);
        assertThat(events.jobIds(Kind.COMPLETED)).as("each job completed once").doesNotHaveDuplicates();
        assertThat(ledger).hasSize(n);
        // the work was shared
        assertThat(runtimes).allMatch(r -> r.completedCount() > 0);
    }

    @Test
    void aWorkerKilledWithSigkillHasItsJobsRunAgainWithinLeasePlusCheckInterval() throws Exception {
        PostgresJobStore admin = store(db.dataSource());
        List<Job> jobs = admin.enqueueAll(jobs(6, "k"));
        Duration lease = Duration.ofSeconds(2);
        Duration staleCheck = Duration.ofSeconds(1);

        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChildWorker.class.getName(),
                db.jdbcUrl(), db.connectionProperties().getProperty("user", "postgres"),
                db.connectionProperties().getProperty("password", ""), db.schema(), "child-1", "6",
                Long.toString(lease.toMillis()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Await.until("child holds all jobs", Duration.ofSeconds(60), () -> jobs.stream()
                    .allMatch(j -> admin.find(j.id()).orElseThrow().status() == JobStatus.PROCESSING));
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant killedAt = admin.now();
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        start(store(db.newDataSource(db.jdbcUrl(), 4, Duration.ofSeconds(10))), recording(Duration.ZERO),
                WorkerConfig.builder().workerId("survivor").concurrency(4).lease(lease)
                        .heartbeatInterval(Duration.ofMillis(500)).staleCheckInterval(staleCheck)
                        .pollInterval(Duration.ofMillis(100)).build());
        Await.until("orphans completed by the survivor", Duration.ofSeconds(60), () -> jobs.stream()
                .allMatch(j -> admin.find(j.id()).orElseThrow().status() == JobStatus.COMPLETED));

        Duration slack = Duration.ofSeconds(3); // scheduling on a loaded 2-core CI machine
        for (Job j : jobs) {
            Job done = admin.find(j.id()).orElseThrow();
            assertThat(done.workerId()).isEqualTo("survivor");
            assertThat(done.resetCount()).isEqualTo(1);
            JobEvent reset = admin.events(j.id()).stream().filter(e -> e.type() == JobEventType.RESET)
                    .findFirst().orElseThrow();
            assertThat(Duration.between(killedAt, reset.at()))
                    .as("job %d reset within lease + stale check interval", j.id())
                    .isLessThanOrEqualTo(lease.plus(staleCheck).plus(slack));
            assertThat(reset.message()).contains("child-1");
        }
        assertThat(ledger).hasSize(jobs.size());
        assertThat(events.jobIds(Kind.COMPLETED)).as("each job completed once").doesNotHaveDuplicates();
    }

    @Test
    void aConnectionCutMidRunLosesNothingAndIsLoggedAsOneOutage() throws Exception {
        Logger healthLog = (Logger) LoggerFactory.getLogger("dev.docket.queue.internal.StoreHealth");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        healthLog.addAppender(logs);
        try (TcpProxy proxy = db.proxy()) {
            PostgresJobStore admin = store(db.dataSource());
            int n = 400;
            admin.enqueueAll(jobs(n, "c"));
            PostgresJobStore viaProxy = store(db.newDataSource(db.jdbcUrlVia("127.0.0.1", proxy.port()), 4,
                    Duration.ofSeconds(1)));
            WorkerRuntime r = start(viaProxy, recording(Duration.ofMillis(5)), WorkerConfig.builder()
                    .workerId("cut").concurrency(4).pollInterval(Duration.ofMillis(100)).build());

            Await.until("work under way", Duration.ofSeconds(60), () -> admin.stats().count(JobStatus.COMPLETED) >= 50);
            proxy.cut();
            Await.until("runtime sees the outage", Duration.ofSeconds(30),
                    () -> r.health().status() == WorkerHealth.Status.DEGRADED
                            && r.health().reasons().stream().anyMatch(s -> s.contains("store unreachable")));
            long completedDuringCut = admin.stats().count(JobStatus.COMPLETED);
            assertThat(completedDuringCut).isLessThan(n);
            proxy.resume();

            Await.until("all completed after restore", Duration.ofMinutes(2),
                    () -> admin.stats().count(JobStatus.COMPLETED) == n);
            assertThat(admin.stats().count(JobStatus.PROCESSING)).isZero();
            assertThat(events.jobIds(Kind.COMPLETED)).as("each job completed once").doesNotHaveDuplicates();
        } finally {
            healthLog.detachAppender(logs);
        }
        List<String> warnings = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        assertThat(warnings.stream().filter(m -> m.contains("job store unreachable")).count())
                .as("one outage logged once: %s", warnings).isEqualTo(1);
        assertThat(warnings.stream().filter(m -> m.contains("reachable again")).count()).isEqualTo(1);
    }

}
