package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs the host application example, in-process and as a real process stopped with SIGTERM. */
class HostApplicationTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    HttpServer registry;
    final CountDownLatch unblock = new CountDownLatch(1);
    final AtomicInteger blockedRequests = new AtomicInteger();
    @TempDir
    Path out;

    @BeforeEach
    void serveRegistry() throws Exception {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        registry.createContext("/documents/", ex -> {
            if (ex.getRequestURI().getPath().endsWith("/slow")) {
                blockedRequests.incrementAndGet();
                try {
                    unblock.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("%PDF-1.4 " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/pdf");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        registry.start();
        db.truncate();
    }

    @AfterEach
    void stopRegistry() {
        unblock.countDown();
        registry.stop(0);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKET_JDBC_URL", db.jdbcUrl());
        env.put("DOCKET_DB_USER", db.connectionProperties().getProperty("user", "postgres"));
        env.put("DOCKET_DB_PASSWORD", db.connectionProperties().getProperty("password", ""));
        env.put("DOCKET_SCHEMA", db.schema());
        env.put("REGISTRY_URL", "http://127.0.0.1:" + registry.getAddress().getPort() + "/");
        env.put("DOCKET_OUT", out.toString());
        env.put("WORKER_CONCURRENCY", "2");
        env.put("DOCKET_POLL_INTERVAL", "100");
        return env;
    }

    @Test
    void processesJobsFromPostgres() throws Exception {
        try (HostApplication app = HostApplication.start(env())) {
            Job job = app.queue().enqueue(NewJob.of("reg", "A-1"));
            Await.until("jobs reach their state", () -> app.queue().find(job.id()).orElseThrow().status() == JobStatus.COMPLETED);
            assertThat(new FileSystemDocumentSink(out).fileOf(app.queue().find(job.id()).orElseThrow())).exists();
        }
    }

    @Test
    void sigtermReleasesRunningJobsAndMarksTheWorkerStopped() throws Exception {
        PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
        Job done = store.enqueue(NewJob.builder("reg", "fast").priority(10).build());
        Job running = store.enqueue(NewJob.of("reg", "slow"));

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HostApplication.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve("worker.log").toFile());
        pb.environment().putAll(env());
        pb.environment().put("DOCKET_WORKER_ID", "host-app-test");
        pb.environment().put("DOCKET_SHUTDOWN_GRACE", "300");
        Process worker = pb.start();
        try {
            Await.until("jobs reach their state", () -> store.find(done.id()).orElseThrow().status() == JobStatus.COMPLETED
                    && blockedRequests.get() == 1);
            assertThat(store.find(running.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);

            worker.destroy(); // SIGTERM
            assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("worker exits after SIGTERM").isTrue();
        } finally {
            worker.destroyForcibly();
        }
        Job released = store.find(running.id()).orElseThrow();
        assertThat(released.status()).isEqualTo(JobStatus.PENDING);
        assertThat(released.attempts()).as("release does not spend an attempt").isZero();
        WorkerInfo w = store.workers().stream().filter(x -> x.workerId().equals("host-app-test")).findFirst().orElseThrow();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(w.jobsCompleted()).isEqualTo(1);
        Job completed = store.find(done.id()).orElseThrow();
        store.close();
        assertThat(new FileSystemDocumentSink(out).fileOf(completed)).exists();
    }
}
